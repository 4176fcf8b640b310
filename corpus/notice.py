"""What every sample says about itself: the illustrative-sample notice shared by the PDF and HTML output.

Both renderers must carry the same wording (cover, notice page, footer, metadata, web page), so it is
written once here.
"""

from __future__ import annotations

from collections.abc import Sequence

from corpus.catalogue import Entry

SAMPLE_NOTICE = "Illustrative sample written for the CCIN Knowledge Base project. Not a CCIN publication."
FOOTER_NOTICE = "Illustrative sample – not a CCIN publication"
AUTHOR = "CCIN Knowledge Base project (illustrative sample)"
SUBJECT = "Illustrative sample written for the CCIN Knowledge Base project; not a CCIN publication"


def _join_names(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def notice_text(entry: Entry) -> tuple[str, str]:
    partners = f", working with {_join_names(entry.partners)}" if entry.partners else ""
    lead = (
        f"the {entry.lead_council}" if entry.lead_council.startswith("Co-operative Councils'") else entry.lead_council
    )
    first = (
        f"This document is an illustrative sample written for the CCIN Knowledge Base project. It is not a "
        f"CCIN publication. It was written from publicly known facts about a real project of the "
        f"Co-operative Councils' Innovation Network: {entry.title} ({entry.year}), led by "
        f"{lead}{partners}. The wording, the examples and any figures beyond those facts were "
        f"composed for this sample, so nothing in it should be quoted as the view of the network or of the "
        f"councils and organisations named."
    )
    second = f"The real publication is announced at {entry.source_url}."
    return first, second
