"""Benchmarks with budgets. ``make bench`` runs them all; ``python -m bench NAME`` runs one.

Each ``bench/bench_<name>.py`` has ``main(argv) -> int``: it prints its figures, the budget,
the ratio to any baseline measured in the same run and the size of the data, and returns
non-zero when a budget is missed or the data is smaller than the issue specifies.
"""
