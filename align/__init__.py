"""plan-align: align Vietnamese commune plans with the plans they implement.

Importing the package changes nothing in the process: the settings the native engines
need (threads, OpenMP waiting, offline hubs) are applied where an engine starts
(`align.embed.runtime.prepare_native`).
"""

__version__ = "0.1.0"
