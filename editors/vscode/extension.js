// The Factory extension: highlighting (syntaxes/, from grammar/factory.tmLanguage.json) and the language
// client that starts `factory lsp` (configurable with `factory.command`).
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("factory");
  const [command, ...args] = config.get("command", ["factory", "lsp"]);
  const serverOptions = { command, args, transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "factory" }, { scheme: "untitled", language: "factory" }],
    initializationOptions: { factory: { inlayHints: config.get("inlayHints", false) } },
    synchronize: { configurationSection: "factory" },
  };
  client = new LanguageClient("factory", "Factory language server", serverOptions, clientOptions);
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
