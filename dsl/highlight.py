"""A Pygments lexer for .factory, so docs, reports and any Pygments user (Sphinx, MkDocs, GitLab) highlight
specs: `pygmentize -l factory spec.factory` once factory-dsl is installed (entry point `pygments.lexers`).

Pipeline position: outside the pipeline; imports Pygments (an optional dependency) and `dsl.schema` for the
block kinds. Token rules follow grammar/factory.lark: a unit is the word right after a number.
"""
from __future__ import annotations

from pygments.lexer import RegexLexer, bygroups, words
from pygments.token import Comment, Keyword, Name, Number, Operator, Punctuation, String, Text, Whitespace

from .schema import KIND_ALIASES, kinds

_KINDS = tuple(sorted(set(kinds()) | set(KIND_ALIASES)))
# ASCII digits only, as grammar/factory.lark's NUMBER and UNIT (Python's \d also takes other scripts' digits). The
# number is an atomic group, `(?>...)`, as the parser's lexer takes the longest number: backtracking gave `671e9`'s
# exponent to a unit (`671` with the unit `e9`). The TextMate grammar writes the same two patterns (tests/test_highlight.py).
_UNIT = r"(?!(?:x|if|then|else|and|or|not|step|extends)\b)[A-Za-z%$\u00b5\u00b0][A-Za-z0-9_]*(?:\^-?[0-9]+)?" \
        r"(?:[*/][A-Za-z%$\u00b5\u00b0][A-Za-z0-9_]*(?:\^-?[0-9]+)?)*"
_NUMBER = r"(?>[0-9][0-9_]*(?:\.[0-9][0-9_]*)?(?:[eE][+-]?[0-9]+)?|\.[0-9][0-9_]*(?:[eE][+-]?[0-9]+)?)"
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"


class FactoryLexer(RegexLexer):
    name = "Factory"
    aliases = ["factory"]
    filenames = ["*.factory"]
    mimetypes = ["text/x-factory"]

    tokens = {
        "root": [
            (r"[ \t\f]+", Whitespace),
            (r"\r?\n", Whitespace),
            (r"#[^\r\n]*", Comment.Single),
            (r'"""(?:[^"\\]|\\.|"(?!""))*"""', String.Doc),
            (r'"(?:[^"\\\n]|\\.)*"', String.Double),
            (r"\b(from)(\s+)([A-Za-z0-9_./]+)(\s+)(import)\b", bygroups(Keyword.Namespace, Whitespace, Name.Namespace,
                                                               Whitespace, Keyword.Namespace)),
            (r"\b(import)\b", Keyword.Namespace),
            (r"\b(param|let)(\s+)(" + _NAME + ")", bygroups(Keyword.Declaration, Whitespace, Name.Variable)),
            (r"\b(" + "|".join(_KINDS) + r")(\s+)(" + _NAME + r")(?=\s*(?:[{:]|extends\b|x\b|$))",
             bygroups(Keyword.Type, Whitespace, Name.Class)),
            (r"\b(" + _NAME + r")(\s*)(=)(?!=)", bygroups(Name.Attribute, Whitespace, Operator)),
            (r"(" + _NUMBER + r")([ \t\f]*)(" + _UNIT + r")", bygroups(Number, Whitespace, Keyword.Constant)),
            (_NUMBER, Number),
            (words(("assert", "if", "then", "else", "step", "x", "extends", "as"), suffix=r"\b"), Keyword),
            (words(("and", "or", "not"), suffix=r"\b"), Operator.Word),
            (words(("true", "false"), suffix=r"\b"), Keyword.Constant),
            (words(("sum", "max", "min", "mean", "count", "ceil", "floor", "round", "abs", "sqrt", "clamp"),
                   suffix=r"(?=\s*\()"), Name.Builtin),
            (r"<=|>=|==|!=|<|>|\.\.|[-+*/^=]", Operator),
            (r"[{}()\[\],.:]", Punctuation),
            (_NAME, Name),
            (r".", Text),
        ],
    }
