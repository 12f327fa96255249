"""`plan-align corpus list|add|remove`: the documents of a corpus, which users extend without editing
manifest.json."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from align.cli.app import CorpusOpt, FormatOpt, QuietOpt, VerboseOpt, check_format, open_api


def corpus_list(corpus: CorpusOpt = None, fmt: FormatOpt = "table", quiet: QuietOpt = False,
                verbose: VerboseOpt = False) -> None:
    """List the corpus documents with counts of clauses, tasks, targets and citations."""
    from align.cli.output import show

    check_format(fmt)
    show(open_api(corpus, quiet=quiet, verbose=verbose).documents(), fmt)



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
    api = open_api(corpus, quiet=quiet, verbose=verbose)
    entry, document = api.add_document(file, kind, doc_id=doc_id, level=level, parents=parent or (), title=title,
                                       commune=commune)
    units = (f"{len(document.clauses)} clauses" if kind == "reference" else
             f"{sum(t.kind == 'task' for t in document.tasks)} tasks, "
             f"{sum(t.kind != 'task' for t in document.tasks)} targets")
    typer.echo(f"added {entry['id']} ({entry['kind']}, {entry['level']}): {entry['path']}, {units}; "
               "the index is updated by the next command that needs it")


def corpus_remove(doc_id: Annotated[str, typer.Argument(help="The corpus id of the document.")],
                  corpus: CorpusOpt = None, quiet: QuietOpt = False, verbose: VerboseOpt = False) -> None:
    """Remove a document from the manifest (atomically); its file is deleted only when
    `corpus add` copied it into the corpus."""
    entry, deleted = open_api(corpus, quiet=quiet, verbose=verbose).remove_document(doc_id)
    what = f"deleted {deleted}" if deleted else f"kept {entry.get('path')} (not copied in by `corpus add`)"
    typer.echo(f"removed {doc_id} from the manifest; {what}")
