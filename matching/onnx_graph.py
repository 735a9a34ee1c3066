"""multilingual-e5-small as an ONNX graph, written from the provisioned folder's weights.

:func:`bert_encoder_graph` writes the same network the provisioned sentence-transformers folder
runs (BertModel -> mean pooling over every token -> L2 normalisation, see
:mod:`matching.provision`), node by node with the ``onnx`` helpers, from the float32 weights in
its ``model.safetensors``. No torch and no exporter are involved, so the graph is the same on
every machine and needs only ``onnx`` (to write it) and ``onnxruntime`` (to run it).

Inputs ``inputs_embeds`` (float32, batch x tokens x 384: the word embedding rows of the tokens, which
the caller gathers from ``embeddings.word_embeddings.weight``) and ``attention_mask`` (int64,
batch x tokens); outputs
``sentence_embedding`` (batch x 384, unit rows) and ``token_embeddings`` (batch x tokens x 384,
the last hidden state).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

OPSET = 17  # LayerNormalization


def bert_encoder_graph(weights: Mapping[str, np.ndarray], config: Mapping) -> bytes:
    """The serialised ONNX model of a BERT encoder + mean pooling + L2 normalisation."""
    from onnx import TensorProto, helper, numpy_helper

    hidden, heads = int(config["hidden_size"]), int(config["num_attention_heads"])
    layers, eps = int(config["num_hidden_layers"]), float(config["layer_norm_eps"])
    head_dim = hidden // heads
    nodes, inits = [], []
    count = iter(range(1_000_000))

    def const(name: str, array) -> str:
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def op(kind: str, inputs: list[str], **attrs) -> str:
        out = f"{kind.lower()}_{next(count)}"
        nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def linear(x: str, prefix: str) -> str:
        w = const(f"{prefix}.weight.T", weights[f"{prefix}.weight"].T.astype(np.float32))
        b = const(f"{prefix}.bias", weights[f"{prefix}.bias"].astype(np.float32))
        return op("Add", [op("MatMul", [x, w]), b])

    def layer_norm(x: str, prefix: str) -> str:
        w = const(f"{prefix}.weight", weights[f"{prefix}.weight"].astype(np.float32))
        b = const(f"{prefix}.bias", weights[f"{prefix}.bias"].astype(np.float32))
        return op("LayerNormalization", [x, w, b], axis=-1, epsilon=eps)

    # embeddings: the word rows come in as ``inputs_embeds`` (gathered outside from a memory-mapped
    # table: 384 of the model's 470 MB are word rows, of which an idea needs a few hundred), plus
    # positions 0..n-1 and token type 0 (see matching.provision)
    seq_len = op("Slice", [op("Shape", ["attention_mask"]), const("from_1", np.array([1], np.int64)),
                           const("to_2", np.array([2], np.int64))])
    pos = op("Slice", [const("embeddings.position_embeddings.weight", weights["embeddings.position_embeddings.weight"]),
                       const("from_0", np.array([0], np.int64)), seq_len, const("axis_0", np.array([0], np.int64))])
    type0 = const("token_type_0", weights["embeddings.token_type_embeddings.weight"][0].astype(np.float32))
    x = layer_norm(op("Add", [op("Add", ["inputs_embeds", pos]), type0]), "embeddings.LayerNorm")

    # attention bias: 0 where a token may be attended to, a large negative number at padding
    mask = op("Cast", ["attention_mask"], to=TensorProto.FLOAT)
    bias = op("Mul", [op("Sub", [const("one_f", np.array(1.0, np.float32)), mask]),
                      const("neg_large", np.array(np.finfo(np.float32).min, np.float32))])
    bias = op("Unsqueeze", [bias, const("axes_1_2", np.array([1, 2], np.int64))])  # (batch, 1, 1, tokens)
    split_heads = const("split_heads", np.array([0, 0, heads, head_dim], np.int64))
    merge_heads = const("merge_heads", np.array([0, 0, hidden], np.int64))
    scale = const("scale", np.array(1.0 / math.sqrt(head_dim), np.float32))
    half, root2 = const("half", np.array(0.5, np.float32)), const("sqrt2", np.array(math.sqrt(2.0), np.float32))

    for i in range(layers):
        p = f"encoder.layer.{i}."
        q = op("Transpose", [op("Reshape", [linear(x, p + "attention.self.query"), split_heads])], perm=[0, 2, 1, 3])
        k = op("Transpose", [op("Reshape", [linear(x, p + "attention.self.key"), split_heads])], perm=[0, 2, 3, 1])
        v = op("Transpose", [op("Reshape", [linear(x, p + "attention.self.value"), split_heads])], perm=[0, 2, 1, 3])
        scores = op("Add", [op("Mul", [op("MatMul", [q, k]), scale]), bias])
        context = op("MatMul", [op("Softmax", [scores], axis=-1), v])
        context = op("Reshape", [op("Transpose", [context], perm=[0, 2, 1, 3]), merge_heads])
        x = layer_norm(op("Add", [linear(context, p + "attention.output.dense"), x]), p + "attention.output.LayerNorm")
        inner = linear(x, p + "intermediate.dense")
        erf = op("Erf", [op("Div", [inner, root2])])  # exact (erf) GELU, as BertModel's "gelu"
        gelu = op("Mul", [op("Mul", [inner, half]), op("Add", [erf, const(f"one_{i}", np.array(1.0, np.float32))])])
        x = layer_norm(op("Add", [linear(gelu, p + "output.dense"), x]), p + "output.LayerNorm")

    nodes.append(helper.make_node("Identity", [x], ["token_embeddings"]))
    # mean over every real token (prompt and specials included), then unit length
    weight = op("Unsqueeze", [mask, const("axis_last", np.array([-1], np.int64))])
    summed = op("ReduceSum", [op("Mul", [x, weight]), const("axis_tokens", np.array([1], np.int64))], keepdims=0)
    counts = op("ReduceSum", [weight, const("axis_tokens_2", np.array([1], np.int64))], keepdims=0)
    mean = op("Div", [summed, op("Max", [counts, const("tiny", np.array(1e-9, np.float32))])])
    norm = op("Sqrt", [op("ReduceSum", [op("Mul", [mean, mean]), const("axis_dim", np.array([1], np.int64))],
                          keepdims=1)])
    nodes.append(helper.make_node("Div", [mean, op("Max", [norm, const("eps_norm", np.array(1e-12, np.float32))])],
                                  ["sentence_embedding"]))

    graph = helper.make_graph(
        nodes,
        "multilingual-e5-small",
        [helper.make_tensor_value_info("inputs_embeds", TensorProto.FLOAT, ["batch", "tokens", hidden]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "tokens"])],
        [helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", hidden]),
         helper.make_tensor_value_info("token_embeddings", TensorProto.FLOAT, ["batch", "tokens", hidden])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="samspill")
    model.ir_version = 8  # readable by every onnxruntime that supports opset 17
    return model.SerializeToString()
