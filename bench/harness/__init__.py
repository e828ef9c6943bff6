"""The pieces of ``bench/run.py``: processes, load generators, machine facts, the report."""
