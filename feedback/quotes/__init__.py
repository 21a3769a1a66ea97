"""Comments turned into quotes and themes: stored analysis, theme queries, word clouds, the quotes workspace."""
