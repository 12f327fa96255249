"""`plan-align serve`: the reviewer's workbench in a browser (the app is in align/web/)."""
from __future__ import annotations

from typing import Annotated, Optional

import typer

from align.cli.app import CorpusOpt, IndexOpt, ModelOpt, NoRebuildOpt, QuietOpt, VerboseOpt, open_api


def serve(host: Annotated[str, typer.Option("--host", help="Address to listen on. Anything but loopback needs "
                                            "an access token (--token, else one is made up and printed).")]
          = "127.0.0.1",
          port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8765,
          token: Annotated[Optional[str], typer.Option("--token", help="Access token every request must carry "
                                                       "(?token=... once, then a cookie).", show_default=False)]
          = None,
          lang: Annotated[str, typer.Option("--lang", help="Language of the pages: vi or en.")] = "vi",
          corpus: CorpusOpt = None, model: ModelOpt = "e5", index_dir: IndexOpt = None,
          no_rebuild: NoRebuildOpt = False, quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """The reviewer's workbench: review a plan's tasks, coverage and duplicates in a browser (local)."""
    from align.i18n import check_lang
    from align.web.app import serve as run

    check_lang(lang)
    api = open_api(corpus, model, index_dir, no_rebuild, quiet, verbose)
    run(api, host=host, port=port, token=token, lang=lang, announce=lambda line: typer.echo(line, err=True))
