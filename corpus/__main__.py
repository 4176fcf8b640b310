"""`python -m corpus` builds the sample corpus, same as `python -m corpus.build`."""

import sys

from corpus.build import main

sys.exit(main())
