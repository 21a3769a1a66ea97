"""Pure-Python analysis: no Flask, no database. Takes plain values, returns dataclasses."""
