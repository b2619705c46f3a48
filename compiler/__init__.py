"""Middle and back ends of factory-dsl: lowering, graph, evaluation, physical models, rendering, CLI.

Pipeline: dsl (checked AST) -> compiler.lower (graph of named quantities) -> compiler.evaluate (NumPy
arrays over the scenario axis) -> render. `compiler` may import `dsl`; `dsl` never imports `compiler`.
"""
