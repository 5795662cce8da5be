"""Chat platform adapters: each translates one platform to and from the core's neutral types."""
