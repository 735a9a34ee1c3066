"""Samspill's collaboration network: who works with whom, year by year.

Plain functions over ``nx.Graph`` (node = organisation id, edge ``weight`` =
joint projects):

* :mod:`graph.build` -- records -> organisation graph / bipartite graph;
* :mod:`graph.metrics` -- per-year activity and network structure;
* :mod:`graph.suggest` -- introductions between organisations that have never
  worked together, optionally re-weighted by a competence similarity passed
  in as a function (graph/ never imports a model);
* :mod:`graph.layout` -- where nodes sit (a stable layout) and where their
  names fit;
* :mod:`graph.view` -- the app's network views (members and partners,
  communities, one organisation's neighbourhood) as plain rows;
* :mod:`graph.cluster` -- the cluster's name, logo, colours and members;
* :mod:`graph.export`, :mod:`graph.draw`, :mod:`graph.report` -- files for
  Gephi, Kumu and spreadsheets, drawings, and the annual report (PDF, Word,
  HTML; these import matplotlib and the document libraries when called, not
  when imported).
"""

from graph.build import build_bipartite_graph, build_collaboration_graph, window
from graph.metrics import YearMetrics, activity_by_year, network_metrics, yearly_metrics
from graph.suggest import Introduction, suggest_introductions

__all__ = [
    "Introduction",
    "YearMetrics",
    "activity_by_year",
    "build_bipartite_graph",
    "build_collaboration_graph",
    "network_metrics",
    "suggest_introductions",
    "window",
    "yearly_metrics",
]
