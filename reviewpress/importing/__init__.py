"""Turning a text-extracted review report into a draft review YAML file.

The importer makes a first draft for a person to check: it places what it
can, and reports (with source line numbers) what it guessed or could not
place. `reviewpress.importer.run_import` is the entry point.
"""
