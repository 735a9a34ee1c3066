"""One module per resource: parse the request, call one library method, return plain data."""
