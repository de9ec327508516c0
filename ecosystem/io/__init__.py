"""Reading and writing ecosystems: tabular files, the LF landscape data set, GraphML."""
