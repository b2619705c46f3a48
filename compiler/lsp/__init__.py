"""The language server (`factory lsp`): `analysis` answers questions about one document version,
`server` speaks LSP over stdio (pygls)."""
