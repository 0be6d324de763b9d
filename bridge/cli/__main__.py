"""`python -m bridge.cli …` is the `bridge` command."""

from bridge.cli.main import main

main()
