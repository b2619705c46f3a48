// The editor screenshot page: Monaco (the editor of VS Code) highlighting a .factory spec with the project's
// TextMate grammar (through Shiki, as VS Code's TextMate engine would), and showing the hover and inlay
// hints that `factory lsp` answered for it (collected by take.py through a real LSP client: data.json).
import * as monaco from "monaco-editor/esm/vs/editor/edcore.main";
import { createHighlighterCore } from "shiki/core";
import { createJavaScriptRegexEngine } from "shiki/engine/javascript";
import darkPlus from "shiki/themes/dark-plus.mjs";
import { shikiToMonaco } from "@shikijs/monaco";

self.MonacoEnvironment = { getWorker: () => new Worker("editor.worker.js") };

async function main() {
  const data = await (await fetch("data.json")).json();
  const grammar = await (await fetch("factory.tmLanguage.json")).json();
  const highlighter = await createHighlighterCore({
    themes: [darkPlus],
    langs: [{ ...grammar, name: "factory" }],
    engine: createJavaScriptRegexEngine({ forgiving: true }),
  });
  monaco.languages.register({ id: "factory", extensions: [".factory"] });
  shikiToMonaco(highlighter, monaco);
  monaco.languages.registerHoverProvider("factory", {
    provideHover(model, position) {
      const h = data.hovers.find((x) => x.line === position.lineNumber - 1 &&
        x.start <= position.column - 1 && position.column - 1 <= x.end);
      if (!h) return null;
      return {
        range: new monaco.Range(h.line + 1, h.start + 1, h.line + 1, h.end + 1),
        contents: [{ value: h.markdown }],
      };
    },
  });
  monaco.languages.registerInlayHintsProvider("factory", {
    provideInlayHints() {
      return {
        hints: data.hints.map((x) => ({ position: { lineNumber: x.line + 1, column: x.character + 1 },
          label: x.label, kind: monaco.languages.InlayHintKind.Type, paddingLeft: true })),
        dispose() {},
      };
    },
  });
  const editor = monaco.editor.create(document.getElementById("editor"), {
    value: data.text, language: "factory", theme: "dark-plus", fontSize: 14, minimap: { enabled: false },
    inlayHints: { enabled: "on" }, scrollBeyondLastLine: false, automaticLayout: true,
    hover: { enabled: true, delay: 0 },
  });
  if (data.focus) {
    editor.revealLineNearTop(Math.max(1, data.focus.line - 2));
    editor.setPosition({ lineNumber: data.focus.line + 1, column: data.focus.character + 1 });
    editor.focus();
    setTimeout(() => editor.trigger("screenshot", "editor.action.showHover", {}), 500);
  }
  setTimeout(() => { document.body.dataset.ready = "1"; }, 1800);
}
main();
