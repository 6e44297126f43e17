"""How much the suggesters produce and read per paragraph: bounds that keep every run linear.

A paragraph may be a megabyte of anything, so the suggesters never let their output or their
work grow with the square of its length:
- at most MAX_PER_KIND suggestions of each kind (actor, cue, quote, attribution) per
  paragraph, the first in reading order; attributions are looked for around those cues only;
- no span longer than MAX_SPAN_CHARS characters is suggested, nor an attribution whose parts
  stretch over more (from the start of its first part to the end of its last);
- pairing reads the sentence around a cue at most PAIRING_WINDOW characters either side of it
  (a sentence, source or content that runs beyond would be longer than MAX_SPAN_CHARS anyway);
- only the first MAX_MARKS quotation marks of a paragraph are read as such (prose has far
  fewer; later ones are taken for text);
- spaCy sees no paragraph longer than SPACY_MAX_CHARS characters.
"""

MAX_PER_KIND = 100
MAX_SPAN_CHARS = 2000
PAIRING_WINDOW = 2000
MAX_MARKS = 10_000
SPACY_MAX_CHARS = 100_000
