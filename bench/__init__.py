"""Benchmarks for Samverkan (see README.md). Not part of the installed app."""
