"""`plan-align corpus add|remove`: a corpus users extend without editing manifest.json."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from align.cli.main import CorpusOpt, QuietOpt, VerboseOpt, _setup, corpus_app


@corpus_app.command("add")
def corpus_add(file: Annotated[Path, typer.Argument(help="The document: .txt, .md, .docx, .pdf.")],
               kind: Annotated[str, typer.Option("--kind", help="commune-plan or reference.")],
               doc_id: Annotated[Optional[str], typer.Option("--id", help="Document id (default: from the file "
                                                             "name).", show_default=False)] = None,
               level: Annotated[Optional[str], typer.Option("--level", help="central, government, province or "
                                                            "commune (default: commune for a plan, else read from "
                                                            "the document).", show_default=False)] = None,
               parent: Annotated[Optional[list[str]], typer.Option("--parent", help="A document it implements "
                                                                   "(corpus id or citation; repeatable).",
                                                                   show_default=False)] = None,
               title: Annotated[Optional[str], typer.Option("--title", help="Title (default: read from the "
                                                            "document).", show_default=False)] = None,
               commune: Annotated[Optional[str], typer.Option("--commune", help="The plan's commune (default: "
                                                              "read from its title).", show_default=False)] = None,
               corpus: CorpusOpt = None, quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Check a document (read and parsed as that kind) and add it to the corpus: copied into the
    corpus directory unless it is already there, the manifest rewritten atomically."""
    from align.corpus_edit import add_document

    _setup(quiet, verbose)
    entry, document = add_document(corpus, file, kind, doc_id=doc_id, level=level, parents=parent or (),
                                   title=title, commune=commune)
    units = (f"{len(document.clauses)} clauses" if kind == "reference" else
             f"{sum(t.kind == 'task' for t in document.tasks)} tasks, "
             f"{sum(t.kind != 'task' for t in document.tasks)} targets")
    typer.echo(f"added {entry['id']} ({entry['kind']}, {entry['level']}): {entry['path']}, {units}; "
               "the index is updated by the next command that needs it")


@corpus_app.command("remove")
def corpus_remove(doc_id: Annotated[str, typer.Argument(help="The corpus id of the document.")],
                  corpus: CorpusOpt = None, quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Remove a document from the manifest (atomically); its file is deleted only when
    `corpus add` copied it into the corpus."""
    from align.corpus_edit import remove_document

    _setup(quiet, verbose)
    entry, deleted = remove_document(corpus, doc_id)
    what = f"deleted {deleted}" if deleted else f"kept {entry.get('path')} (not copied in by `corpus add`)"
    typer.echo(f"removed {doc_id} from the manifest; {what}")
