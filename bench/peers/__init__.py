"""Peer comment servers that ``make bench`` measures beside ours in the same run."""
