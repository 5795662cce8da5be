"""The conversation as the core sees it: chat types, markup, the reply codec, the transport port."""
