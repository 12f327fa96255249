"""`python -m align.cli`: the same entry point as the `plan-align` script."""
from align.cli.main import main

main()
