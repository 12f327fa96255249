"""`python -m align.cli` runs the plan-align command line."""
from align.cli.main import main

main()
