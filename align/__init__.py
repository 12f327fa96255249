"""plan-align: align Vietnamese commune plans with the plans they implement."""
__version__ = "0.1.0"
