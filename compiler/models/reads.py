"""What each model output reads, in the model's terms (`compiler.models.Read`; docs/graph.md "Model ops").

Keyed `kind.output`. `compiler.models.output` parses each entry when the output is registered (a kind, field or
reference the schema does not have is an error naming the output) and `compiler.ir` binds it per placed block,
so a model node has static inputs like any other. tests/test_model_reads.py evaluates every example and golden
case and fails on a read a model makes that its entry does not declare, naming the output and the path: when a
model starts reading something new, add it here (a read of the inference or training solve goes in its shared
tuple below, which every output built on that solve reads). The entries were first written from what the models read on
those specs (and mutated ones), then widened to forms that do not depend on one spec's nesting (`up:`, `all:`).
A read of a model assumption (`assumptions.<name>`) or of the block's own intermediate terms
(`<block>.detail.<name>`) is not declared: those are created while the model runs.
Where an entry reads a member of every kind a step can reach, it says so with `*` for the kind
(`ref:system.parts:*.count`: the seven kinds a server holds, one read each; `compiler.models.expand_read`);
a list of only some of those kinds (`ref:rack.all:` names 8 of the 14 kinds a rack may hold) stays written out.
"""
from __future__ import annotations

from dsl.schema import SHARES as _SHARES, kinds as _schema_kinds

# what power.chip_power_model reads of a chip (its TDP, idle, compute-dynamic and memory power, the FP4 GEMM's
# dynamic power), wherever a workload finds its chip: named, in its system, anywhere in its rack. Both solves run
# the chip's clock on it, so both read these
_CHIP_POWER_MODEL = tuple(f"{where}{member}" for where in ("ref:chip.", "ref:system.parts:chip.", "ref:rack.all:chip.")
                          for member in ("tdp", "idle_power", "dynamic_power", "memory_power", "let:fp4_dynamic_power",
                                         "let:idle_fraction", "let:dynamic_power_share", "let:memory_power_share",
                                         "let:voltage_floor"))

# a chip's memory, links and the `let` figures the solves' step times read (docs/models.md), wherever a workload
# finds its chip: named (`chip = g`, a chip of the spec's own or one that `extends` another), in its system, in its rack
_CHIP_FIGURES = tuple(f"{where}{member}" for where in ("ref:chip.", "ref:system.parts:chip.", "ref:rack.all:chip.")
                      for member in ("memory", "memory_bw", "scaleup_bw", "sram", "let:bf16_sparse",
                                     "let:fp4_scale_block", "let:full_clock_power", "let:gemm_half_rows_fp4", "let:gemm_knee_power",
                                     "let:link_efficiency", "let:nvlink_group", "let:serving_efficiency", "let:serving_efficiency_fp4",
                                     "let:softmax_exp_rate", "let:sram_bandwidth_efficiency", "let:system_io",
                                     "let:token_layer_time"))

# a chip's dense rate at each precision, wherever a workload finds its chip: both solves read the rate of their
# `precision` (and BF16, for the parts of the step kept wide)
_CHIP_RATES = tuple(f"{where}{member}" for where in ("ref:chip.", "ref:system.parts:chip.", "ref:rack.all:chip.")
                    for member in ("bf16", "fp8", "fp4", "int8"))

# what the inference solve reads (compiler.models.inference.solved): every output built on it reads these
_INFERENCE_SOLVE = _CHIP_POWER_MODEL + _CHIP_RATES + _CHIP_FIGURES + (
    "accelerators", "input_tokens", "kv_precision", "model", "output_tokens", "power_cap", "precision", "rack",
    "ref:chip.let:sram_bandwidth_efficiency", "ref:chip.let:system_io", "ref:model.active_params", "ref:model.experts",
    "ref:model.experts_active", "ref:model.head_dim", "ref:model.heads", "ref:model.hidden", "ref:model.kv_heads",
    "ref:model.layer_latency", "ref:model.layers", "ref:model.let:expert_popularity_cv",
    "ref:model.let:kv_cache_width", "ref:model.let:kv_lora_rank", "ref:model.let:qk_rope_head_dim",
    "ref:model.let:sliding_layers", "ref:model.let:sliding_window", "ref:model.params", "ref:rack.accelerators",
    "ref:rack.all:chip.count", "ref:rack.all:chip.fp4", "ref:rack.all:chip.fp8", "ref:rack.all:chip.idle_power",
    "ref:rack.all:chip.let:serving_efficiency_fp4", "ref:rack.all:chip.memory", "ref:rack.all:chip.memory_bw",
    "ref:rack.all:chip.scaleup_bw", "ref:rack.all:chip.tdp", "ref:rack.all:cpu.count",
    "ref:rack.all:cpu.let:serving_efficiency_fp4", "ref:rack.all:dpu.bandwidth", "ref:rack.all:dpu.count",
    "ref:rack.all:dpu.let:serving_efficiency_fp4", "ref:rack.all:dpu.ports", "ref:rack.all:memory.bandwidth",
    "ref:rack.all:memory.count", "ref:rack.all:memory.let:serving_efficiency_fp4", "ref:rack.all:nic.bandwidth",
    "ref:rack.all:nic.count", "ref:rack.all:nic.let:serving_efficiency_fp4", "ref:rack.all:nic.ports",
    "ref:rack.all:server.count", "ref:rack.all:server.let:serving_efficiency_fp4", "ref:rack.all:storage.bandwidth",
    "ref:rack.all:storage.count", "ref:rack.all:storage.let:serving_efficiency_fp4", "ref:rack.all:switch.count",
    "ref:rack.all:switch.let:serving_efficiency_fp4", "ref:rack.all:switch.ports", "ref:rack.parts:server.accelerators",
    "ref:system.accelerators", "ref:system.parts:chip.bf16", "ref:system.parts:*.count", "ref:system.parts:chip.fp4",
    "ref:system.parts:chip.fp8", "ref:system.parts:chip.idle_power", "ref:system.parts:chip.int8",
    "ref:system.parts:*.let:bf16_sparse", "ref:system.parts:*.let:full_clock_power",
    "ref:system.parts:*.let:serving_efficiency", "ref:system.parts:*.let:serving_efficiency_fp4",
    "ref:system.parts:chip.let:sram_bandwidth_efficiency", "ref:system.parts:chip.let:system_io",
    "ref:system.parts:chip.memory", "ref:system.parts:chip.memory_bw", "ref:system.parts:chip.scaleup_bw",
    "ref:system.parts:chip.sram", "ref:system.parts:chip.tdp", "ref:system.parts:cpu.idle_power",
    "ref:system.parts:cpu.tdp", "ref:system.parts:dpu.bandwidth", "ref:system.parts:dpu.ports",
    "ref:system.parts:memory.bandwidth", "ref:system.parts:nic.bandwidth", "ref:system.parts:nic.ports",
    "ref:system.parts:storage.bandwidth", "ref:system.parts:switch.ports", "scaleup_size", "scenario", "serving",
    "set:demand", "set:offered_load", "system", "tpot_limit", "ttft_limit", "demand", "offered_load",
    # disaggregated serving: the prefill pool and its workers' layout, when the spec fixes them
    "set:prefill_accelerators", "set:prefill_tp",
    # a mixed-precision checkpoint's bits per weight and its wide format's rate (inference.py "Mixed weights")
    "let:weight_bits", "ref:rack.all:chip.bf16",
    # the chip's serving efficiency where the service names a rack (as `ref:system.parts:*.let:serving_efficiency`)
    "ref:rack.all:chip.let:serving_efficiency", "ref:rack.all:chip.sram", "ref:rack.all:chip.int8", "max_input_tokens",
    # a rack's chip as its system's (a spec's own rack of a server the stdlib has no rack for)
    "ref:rack.all:chip.let:bf16_sparse", "ref:rack.all:chip.let:sram_bandwidth_efficiency",
    "ref:rack.all:chip.let:system_io", "ref:rack.all:chip.let:full_clock_power",
    # an FP4 checkpoint's GEMMs by precision (inference.py "FP4 checkpoints by GEMM")
    "ref:model.let:fp4_bf16_params", "ref:model.let:fp4_expert_activation_bits", "let:fp4_expert_activation_bits",
    # an FP4 weight's block scale (inference.py "FP4 weights"): the workload's, the model's or the chip's block
    "let:fp4_scale_block", "ref:model.let:fp4_scale_block",
    "ref:rack.all:chip.let:fp4_scale_block", "ref:rack.all:cpu.let:fp4_scale_block",
    "ref:rack.all:dpu.let:fp4_scale_block", "ref:rack.all:memory.let:fp4_scale_block",
    "ref:rack.all:nic.let:fp4_scale_block", "ref:rack.all:server.let:fp4_scale_block",
    "ref:rack.all:storage.let:fp4_scale_block", "ref:rack.all:switch.let:fp4_scale_block",
    "ref:system.parts:*.let:fp4_scale_block",
    # the FP4 GEMM knee of Blackwell chips (`let gemm_half_rows_fp4`), read where serving_efficiency_fp4 is
    "ref:rack.all:chip.let:gemm_half_rows_fp4", "ref:rack.all:cpu.let:gemm_half_rows_fp4",
    "ref:rack.all:dpu.let:gemm_half_rows_fp4", "ref:rack.all:memory.let:gemm_half_rows_fp4",
    "ref:rack.all:nic.let:gemm_half_rows_fp4", "ref:rack.all:server.let:gemm_half_rows_fp4",
    "ref:rack.all:storage.let:gemm_half_rows_fp4", "ref:rack.all:switch.let:gemm_half_rows_fp4",
    "ref:system.parts:*.let:gemm_half_rows_fp4",
    # the softmax's exponential rate of Blackwell chips (`let softmax_exp_rate`), read like gemm_half_rows_fp4
    "ref:rack.all:chip.let:softmax_exp_rate", "ref:rack.all:cpu.let:softmax_exp_rate",
    "ref:rack.all:dpu.let:softmax_exp_rate", "ref:rack.all:memory.let:softmax_exp_rate",
    "ref:rack.all:nic.let:softmax_exp_rate", "ref:rack.all:server.let:softmax_exp_rate",
    "ref:rack.all:storage.let:softmax_exp_rate", "ref:rack.all:switch.let:softmax_exp_rate",
    "ref:system.parts:*.let:softmax_exp_rate",
    # the measured all-reduce efficiency of a chip's scale-up fabric (NVLink5: `let link_efficiency`), read likewise
    "ref:rack.all:chip.let:link_efficiency", "ref:rack.all:cpu.let:link_efficiency",
    "ref:rack.all:dpu.let:link_efficiency", "ref:rack.all:memory.let:link_efficiency",
    "ref:rack.all:nic.let:link_efficiency", "ref:rack.all:server.let:link_efficiency",
    "ref:rack.all:storage.let:link_efficiency", "ref:rack.all:switch.let:link_efficiency",
    "ref:system.parts:*.let:link_efficiency",
    # the GEMM knee's draw in the clock law of the add-in cards (`let gemm_knee_power`), read likewise
    "ref:rack.all:chip.let:gemm_knee_power", "ref:rack.all:cpu.let:gemm_knee_power",
    "ref:rack.all:dpu.let:gemm_knee_power", "ref:rack.all:memory.let:gemm_knee_power",
    "ref:rack.all:nic.let:gemm_knee_power", "ref:rack.all:server.let:gemm_knee_power",
    "ref:rack.all:storage.let:gemm_knee_power", "ref:rack.all:switch.let:gemm_knee_power",
    "ref:system.parts:*.let:gemm_knee_power",
    # the chips joined pairwise by NVLink (`let nvlink_group`: PCIe cards 1, NCCL at every size), read likewise
    "ref:rack.all:chip.let:nvlink_group", "ref:rack.all:cpu.let:nvlink_group",
    "ref:rack.all:dpu.let:nvlink_group", "ref:rack.all:memory.let:nvlink_group",
    "ref:rack.all:nic.let:nvlink_group", "ref:rack.all:server.let:nvlink_group",
    "ref:rack.all:storage.let:nvlink_group", "ref:rack.all:switch.let:nvlink_group",
    "ref:system.parts:*.let:nvlink_group",
    # the GH100 chips' own smooth GEMM law (`let gemm_smooth_power`, `let gemm_weight_efficiency_<precision>`,
    # stdlib/chips.factory since 2026-12-07), read likewise, wherever the workload finds its chip
) + tuple(f"{where}.let:{name}" for name in ("gemm_smooth_power", "gemm_weight_efficiency_bf16",
                                              "gemm_weight_efficiency_fp8", "gemm_weight_efficiency_fp4",
                                              "gemm_weight_efficiency_int8")
          for where in ("ref:chip", "ref:system.parts:chip", "ref:system.parts:*")
          + tuple(f"ref:rack.all:{kind}" for kind in ("chip", "cpu", "dpu", "memory", "nic", "server", "storage",
                                                      "switch")))

# what the training solve reads (compiler.models.training.solved): every output built on it reads these
_TRAINING_SOLVE = _CHIP_POWER_MODEL + _CHIP_RATES + _CHIP_FIGURES + (
    "accelerators", "deadline", "evaluations", "failure_rate", "global_batch", "method", "model", "precision", "rack",
    "recompute", "ref:chip.memory_bw", "ref:rack.all:chip.memory_bw", "ref:system.parts:chip.memory_bw", "startup_time",
    "let:ep_comm_overlap", "let:power_cap", "let:moe_sync_free", "let:moe_sync_time", "let:moe_static_graphs",
    "let:dp_domain_rings",
    "let:moe_launch_time", "let:cuda_graphs", "let:ungraphed_host_time", "let:full_graph_schedule",
    "let:schedule_host_time", "let:microbatch_host_time", "ref:model.let:dense_layers",
    "ref:model.active_params", "ref:model.context", "ref:model.experts", "ref:model.experts_active",
    "ref:model.head_dim", "ref:model.heads", "ref:model.hidden", "ref:model.kv_heads", "ref:model.layers",
    "ref:model.let:expert_popularity_cv", "ref:model.let:kv_cache_width", "ref:model.let:kv_lora_rank",
    "ref:model.let:qk_rope_head_dim", "ref:model.let:sliding_layers", "ref:model.let:sliding_window",
    "ref:model.params", "ref:rack.accelerators", "ref:rack.all:chip.count",
    "ref:rack.all:chip.bf16", "ref:rack.all:chip.fp4", "ref:rack.all:chip.fp8", "ref:rack.all:chip.memory",
    "ref:rack.all:chip.scaleup_bw",
    "ref:rack.all:chip.tdp", "ref:rack.all:cpu.count", "ref:rack.all:cpu.tdp", "ref:rack.all:dpu.bandwidth",
    "ref:rack.all:dpu.count", "ref:rack.all:dpu.ports", "ref:rack.all:memory.bandwidth", "ref:rack.all:memory.count",
    "ref:rack.all:nic.bandwidth", "ref:rack.all:nic.count", "ref:rack.all:nic.ports", "ref:rack.all:server.count",
    "ref:rack.all:storage.bandwidth", "ref:rack.all:storage.count", "ref:rack.all:switch.count",
    "ref:rack.all:switch.ports", "ref:rack.parts:server.accelerators", "ref:system.accelerators",
    "ref:system.parts:*.count", "ref:system.parts:chip.fp8", "ref:system.parts:chip.idle_power",
    "ref:system.parts:chip.memory", "ref:system.parts:chip.scaleup_bw", "ref:system.parts:chip.tdp",
    "ref:system.parts:cpu.idle_power", "ref:system.parts:cpu.tdp", "ref:system.parts:dpu.bandwidth",
    "ref:system.parts:dpu.ports", "ref:system.parts:memory.bandwidth", "ref:system.parts:nic.bandwidth",
    "ref:system.parts:nic.ports", "ref:system.parts:storage.bandwidth", "ref:system.parts:switch.ports", "scaleup_size",
    "seq_len", "system", "tokens", "up:parts:network.alltoall_bw", "up:parts:network.injection_bw",
    "up:parts:network.role", "zero",
    # NVFP4 training: the attention core's precision and the FP4 GEMM knee of Blackwell chips
    "attention_precision", "ref:chip.let:gemm_half_rows_fp4", "ref:rack.all:chip.let:gemm_half_rows_fp4",
    "ref:rack.all:cpu.let:gemm_half_rows_fp4", "ref:rack.all:dpu.let:gemm_half_rows_fp4",
    "ref:rack.all:memory.let:gemm_half_rows_fp4", "ref:rack.all:nic.let:gemm_half_rows_fp4",
    "ref:rack.all:server.let:gemm_half_rows_fp4", "ref:rack.all:storage.let:gemm_half_rows_fp4",
    "ref:rack.all:switch.let:gemm_half_rows_fp4", "ref:system.parts:*.let:gemm_half_rows_fp4",
    # the chip's BF16 rate and SRAM wherever the job names its hardware (a rack's chips, a system's chip)
    "ref:system.parts:chip.bf16", "ref:rack.all:chip.sram", "ref:system.parts:chip.sram",
    # a wafer-scale chip's sparse BF16 rate and its off-chip I/O (Cerebras), in a rack or a system
    "ref:rack.all:chip.let:bf16_sparse", "ref:rack.all:chip.let:system_io", "ref:system.parts:chip.let:bf16_sparse",
    "ref:system.parts:chip.let:system_io",
)

# what most network outputs read (the fabric's parts, links and the placed accelerators)
_NETWORK = (
    "dims", "domain", "endpoints", "endpoints_per_leaf", "endpoints_per_rack", "injection_bw", "leaf_placement",
    "link_speed", "oversubscription", "oversubscription_spine", "pod_endpoints", "ref:switch.port_speed",
    "ref:switch.ports", "ref:switch_spine.port_speed", "ref:switch_spine.ports", "role", "switch", "switch_spine",
    "topology", "up:all:chip.count", "up:all:cpu.count", "up:all:dpu.count", "up:all:memory.count", "up:all:nic.count",
    "up:all:rack.accelerators", "up:all:server.count", "up:all:storage.count", "up:all:switch.count",
    "up:parts:rack.accelerators",
)

# the reads of most inference outputs: the solve's and the service's own fields
_INFERENCE_OUTPUT = _INFERENCE_SOLVE + (
    "chip", "layer_latency", "let:inference_gemm_efficiency", "max_input_tokens", "max_num_tokens", "ref:chip.bf16",
    "ref:chip.dynamic_power", "ref:chip.fp8", "ref:chip.idle_power", "ref:chip.let:full_clock_power",
    "ref:chip.let:serving_efficiency", "ref:chip.memory", "ref:chip.memory_bw", "ref:chip.scaleup_bw", "ref:chip.tdp",
    "ref:rack.all:chip.dynamic_power", "ref:system.parts:chip.dynamic_power", "set:batch", "set:pp", "set:tp",
)

# the reads of most training outputs: the solve's and the job's own fields
_TRAINING_OUTPUT = _TRAINING_SOLVE + (
    "checkpoint_time", "chip", "eval_tokens", "let:tp_comm_overlap", "pp_schedule", "ref:chip.fp8",
    "ref:chip.idle_power", "ref:chip.memory", "ref:chip.scaleup_bw", "ref:chip.tdp", "ref:system.parts:chip.bf16",
    "restart_time", "scaleout_bw", "set:cp", "set:ep", "set:microbatch", "set:pp", "set:tp", "set:virtual_stages",
)

# what the training figures built on its throughput read beyond the solve: the one of step_time, tokens_per_s and
# mfu a spec sets (only where it sets it) and the FLOPs per token shown (training.py "a set output is an override")
_TRAINING_THROUGHPUT = ("set:step_time", "set:tokens_per_s", "set:mfu", "flops_per_token")

# what inference.accelerator_cost reads beyond the solve (inference.usd_per_mtok and training.cost): the workload's own
# `let electricity_price`, else the site's, where no site above places accelerators (capex + energy priced itself)
_ACCELERATOR_COST = ("let:electricity_price", "up:electricity_price")

# what system_power and system_power_dc (inference, training) read of a rack's servers beyond the system's: their cooling
_RACK_SERVER_COOLING = ("ref:rack.parts:server.cooling",)

# what cost.type_accelerator_hour reads of the site above a workload (inference.usd_per_mtok, training.cost): its
# bill and energy, and the chips, servers and racks it places at any depth (each chip type's capex and IT power)
_TYPE_HOUR = ("up:tco_year", "up:opex_energy", "up:parts:finance.maintenance_rate", *(
    f"up:all:{kind}.count" for kind in sorted(_schema_kinds())
    if kind not in ("inference", "training")),
              "up:all:server.capex_it", "up:all:server.peak_power", "up:all:server.power", "up:all:rack.capex_it",
              "up:all:rack.it_power", "up:all:rack.it_power_avg", "up:all:chip.price", "up:all:chip.peak_power",
              "up:all:chip.power")

# what power.system_power_at reads of the server or rack a workload runs on (its wall power with the accelerators at a
# given draw): the workloads' power and own accelerator-hour read it at the idle draw of the accelerators their layout
# leaves idle (workloads.wall_power_at)
_SYSTEM_POWER_AT = _RACK_SERVER_COOLING + (
    "ref:rack.all:chip.peak_power", "ref:rack.all:chip.power", "ref:rack.all:cpu.peak_power", "ref:rack.all:cpu.power",
    "ref:rack.all:dpu.power", "ref:rack.all:memory.power", "ref:rack.all:nic.power", "ref:rack.all:server.peak_power",
    "ref:rack.all:server.power", "ref:rack.all:storage.power", "ref:rack.all:switch.power", "ref:rack.parts:chip.count",
    "ref:rack.parts:chip.power", "ref:rack.parts:dpu.count", "ref:rack.parts:dpu.power", "ref:rack.parts:nic.count",
    "ref:rack.parts:nic.power", "ref:rack.parts:power_shelf.efficiency", "ref:rack.parts:server.count",
    "ref:rack.parts:server.overhead_power", "ref:rack.parts:server.power", "ref:rack.parts:server.idle_power", "ref:rack.parts:server.psu_efficiency",
    "ref:rack.parts:storage.count", "ref:rack.parts:storage.power", "ref:rack.parts:switch.count",
    "ref:rack.parts:switch.power", "ref:system.cooling", "ref:system.overhead_power",
    "ref:system.parts:chip.peak_power", "ref:system.parts:*.power", "ref:system.parts:cpu.peak_power",
    "ref:system.idle_power", "ref:system.psu_efficiency")

# what reads the accelerators a workload's layout leaves idle: its power and own accelerator-hour (the idle ones at
# their idle draw), and the busy accelerators' activity (the work over the n - k that do it)
_IDLE = ("idle_accelerators",)

# read sets that several outputs share word for word (each is named where it is used below)
# read by busway.units_needed, generator.units_needed, pdu.units_needed, rectifier.units_needed,
# switchgear.units_needed, transformer.units_needed, ups.units_needed
_POWER_GEAR_UNITS_NEEDED = (
    "capacity", "efficiency", "redundancy", "up:all:busway.efficiency", "up:all:pdu.efficiency",
    "up:all:rectifier.efficiency", "up:all:switchgear.efficiency", "up:all:transformer.efficiency",
    "up:all:ups.efficiency", "up:cdus", "up:crahs", "up:distribution", "up:facility_power", "up:heat_air",
    "up:heat_liquid", "up:it_power", "up:parts:busway.efficiency", "up:parts:hall.count", "up:parts:hall.it_power",
    "up:parts:pdu.efficiency", "up:parts:rectifier.efficiency", "up:parts:switchgear.efficiency",
    "up:parts:transformer.efficiency", "up:parts:ups.efficiency", "up:cooling_power", "up:parts:hall.cooling_power",
    "up:all:row.count", "up:all:row.it_power", "up:all:rack.count", "up:all:rack.it_power")

# read by power_shelf.units_needed, power_shelf.utilization: the power of the rack's parts (power.part_power)
_SHELF_DEVICES, _SHELF_FIXED = ("chip", "cpu", "server"), ("memory", "storage", "nic", "dpu", "switch", "transceiver",
                                                             "cable", "network")
_SHELF_LOAD = tuple(f"up:parts:{kind}.{member}" for kind in _SHELF_DEVICES for member in ("count", "peak_power")) + \
    tuple(f"up:parts:{kind}.{member}" for kind in _SHELF_FIXED for member in ("count", "power"))

# read by busway.utilization, generator.utilization, pdu.utilization, rectifier.utilization, switchgear.utilization,
# transformer.utilization, ups.utilization
_POWER_GEAR_UTILIZATION = (
    "capacity", "count", "efficiency", "units_needed", "up:all:busway.efficiency", "up:all:pdu.efficiency",
    "up:all:rectifier.efficiency", "up:all:switchgear.efficiency", "up:all:transformer.efficiency",
    "up:all:ups.efficiency", "up:distribution", "up:facility_power", "up:heat_air", "up:heat_liquid", "up:it_power",
    "up:parts:busway.efficiency", "up:parts:hall.count", "up:parts:hall.it_power", "up:parts:pdu.efficiency",
    "up:parts:rectifier.efficiency", "up:parts:switchgear.efficiency", "up:parts:transformer.efficiency",
    "up:parts:ups.efficiency", "up:cooling_power", "up:parts:hall.cooling_power", "up:all:row.count",
    "up:all:row.it_power", "up:all:rack.count", "up:all:rack.it_power")

# read by cdu.units_needed, crah.units_needed
_COOLING_UNITS_NEEDED = (
    "capacity", "redundancy", "up:all:busway.efficiency", "up:all:pdu.efficiency", "up:all:rectifier.efficiency",
    "up:all:switchgear.efficiency", "up:all:transformer.efficiency", "up:all:ups.efficiency", "up:cdus", "up:crahs",
    "up:distribution", "up:facility_power", "up:heat_air", "up:heat_liquid", "up:it_power",
    "up:parts:busway.efficiency", "up:parts:hall.count", "up:parts:hall.it_power", "up:parts:pdu.efficiency",
    "up:parts:rectifier.efficiency", "up:parts:switchgear.efficiency", "up:parts:transformer.efficiency",
    "up:parts:ups.efficiency")

# read by cdu.utilization, crah.utilization
_COOLING_UTILIZATION = (
    "capacity", "count", "units_needed", "up:all:busway.efficiency", "up:all:pdu.efficiency",
    "up:all:rectifier.efficiency", "up:all:switchgear.efficiency", "up:all:transformer.efficiency",
    "up:all:ups.efficiency", "up:distribution", "up:facility_power", "up:heat_air", "up:heat_liquid", "up:it_power",
    "up:parts:busway.efficiency", "up:parts:hall.count", "up:parts:hall.it_power", "up:parts:pdu.efficiency",
    "up:parts:rectifier.efficiency", "up:parts:switchgear.efficiency", "up:parts:transformer.efficiency",
    "up:parts:ups.efficiency")

# read by hall.air_chillers_run, hall.air_free_cooling_hours
_HALL_AIR_CHILLERS = (
    "air_supply_temp", "heat_rejection", "up:air_supply_temp", "up:ambient_temp", "up:heat_rejection",
    "up:mean_ambient_temp", "up:supply_temp", "up:wet_bulb_temp")

# read by hall.busway_loss, hall.busway_power_in, hall.busway_stage_efficiency, hall.pdu_loss, hall.pdu_power_in,
# hall.pdu_stage_efficiency, hall.rectifier_loss, hall.rectifier_power_in, hall.rectifier_stage_efficiency,
# hall.transformer_loss, hall.transformer_power_in, hall.transformer_stage_efficiency, hall.ups_loss,
# hall.ups_power_in, hall.ups_stage_efficiency
_HALL_POWER_STAGE = (
    "all:busway.efficiency", "all:pdu.efficiency", "all:rectifier.efficiency", "all:switchgear.efficiency",
    "all:transformer.efficiency", "all:ups.efficiency", "distribution", "it_power", "parts:busway.efficiency",
    "parts:pdu.efficiency", "parts:rectifier.efficiency", "parts:switchgear.efficiency",
    "parts:transformer.efficiency", "parts:ups.efficiency", "up:distribution", "up:parts:busway.efficiency",
    "up:parts:pdu.efficiency", "up:parts:rectifier.efficiency", "up:parts:switchgear.efficiency",
    "up:parts:transformer.efficiency", "up:parts:ups.efficiency")
# the stages' flows carry the cooling plant from the last transformer or switchgear (facility._own_stages); the IT
# path's alone (power_chain_efficiency) do not
_HALL_POWER_STAGE = _HALL_POWER_STAGE + ("all:row.count", "all:row.it_power")   # each row through its own chain
_HALL_POWER_STAGE_IT = _HALL_POWER_STAGE
_HALL_POWER_STAGE = _HALL_POWER_STAGE + ("cooling_power",)

# read by hall.capex, site.capex
_CAPEX = (
    "capex_building", "capex_cooling", "capex_it", "capex_land", "capex_network", "capex_optics", "capex_power")

# read by hall.cooling_power, hall.cooling_power_avg, hall.heat_rejected
_HALL_COOLING = (
    "air_supply_temp", "heat_air", "heat_liquid", "heat_rejection", "it_power", "it_power_avg",
    "parts:cdu.capacity", "parts:cdu.power", "parts:crah.capacity", "parts:crah.power", "parts:pump.capacity",
    "parts:pump.power", "supply_temp", "up:air_supply_temp", "up:ambient_temp", "up:heat_rejection",
    "up:mean_ambient_temp", "up:parts:chiller.cop", "up:supply_temp", "up:wet_bulb_temp")

# read by hall.liquid_chillers_run, hall.liquid_free_cooling_hours
_HALL_LIQUID_CHILLERS = (
    "heat_rejection", "supply_temp", "up:air_supply_temp", "up:ambient_temp", "up:heat_rejection",
    "up:mean_ambient_temp", "up:supply_temp", "up:wet_bulb_temp")

# read by inference.accelerator_power, inference.sustained_clock
_INFERENCE_POWER = _INFERENCE_SOLVE + (
    "chip", "compute_utilization", "let:inference_gemm_efficiency", "let:tp_comm_overlap", "memory_utilization",
    "ref:chip.bf16", "ref:chip.dynamic_power", "ref:chip.fp8", "ref:chip.idle_power",
    "ref:chip.let:full_clock_power", "ref:chip.let:serving_efficiency", "ref:chip.memory", "ref:chip.memory_bw",
    "ref:chip.scaleup_bw", "ref:chip.tdp", "ref:model.context", "ref:rack.all:chip.dynamic_power",
    "ref:rack.all:cpu.tdp", "ref:system.parts:chip.dynamic_power", "set:batch", "set:ep", "set:pp", "set:tp",
    "up:parts:network.alltoall_bw", "up:parts:network.injection_bw", "up:parts:network.role",)

# read by inference.compute_utilization, inference.memory_utilization
_INFERENCE_UTILIZATION = _INFERENCE_SOLVE + _IDLE + (
    "batch", "chip", "kv_per_token", "let:inference_gemm_efficiency", "let:tp_comm_overlap", "pp", "ref:chip.bf16",
    "ref:chip.dynamic_power", "ref:chip.fp8", "ref:chip.idle_power", "ref:chip.let:full_clock_power",
    "ref:chip.let:serving_efficiency", "ref:chip.memory", "ref:chip.memory_bw", "ref:chip.scaleup_bw",
    "ref:chip.tdp", "ref:model.context", "ref:rack.all:chip.dynamic_power", "ref:rack.all:cpu.tdp",
    "ref:system.parts:chip.dynamic_power", "set:ep", "tokens_per_s_per_chip", "tp", "tpot",
    "up:parts:network.alltoall_bw", "up:parts:network.injection_bw", "up:parts:network.role", "weights_per_chip",)

# read by inference.tokens_per_joule, inference.tokens_per_s_per_mw
_INFERENCE_ENERGY = _INFERENCE_SOLVE + (
    "chip", "layer_latency", "let:inference_gemm_efficiency", "max_input_tokens", "max_num_tokens", "power",
    "ref:chip.bf16", "ref:chip.dynamic_power", "ref:chip.fp8", "ref:chip.idle_power",
    "ref:chip.let:full_clock_power", "ref:chip.let:serving_efficiency", "ref:chip.memory", "ref:chip.memory_bw",
    "ref:chip.scaleup_bw", "ref:chip.tdp", "ref:rack.all:chip.dynamic_power", "ref:system.parts:chip.dynamic_power",
    "set:batch", "set:pp", "set:tp", "tokens_per_s", "offered_share",)

# the NICs of the servers under a scale_out network's parent, and the accelerators beside them (network.py
# `_servers_nic_rate`): read by network.injection_bw and network.link_speed
_SERVERS_NICS = (
    "set:link_speed", "up:all:nic.bandwidth", "up:all:nic.count", "up:all:chip.count", "up:all:server.count",
    "up:all:rack.count", "up:all:row.count", "up:parts:hall.count", "up:parts:rack.count", "up:parts:server.count",
    "up:parts:row.count")

# read by network.alltoall_bw, network.bisection_bw, network.domains, network.max_endpoints, network.ports,
# network.links_endpoint, network.links_leaf_spine, network.links_spine_core
_NETWORK_TOPOLOGY = _NETWORK + (
    "set:switches_core", "set:switches_leaf", "set:switches_spine", "tiers",)

# read by network.cables_active, network.cables_copper, network.cables_optical, network.transceivers
_NETWORK_CABLES = _NETWORK + (
    "aoc", "endpoint_transceiver", "ref:aoc.power", "ref:aoc.price", "ref:aoc.reach", "ref:aoc.speed",
    "ref:endpoint_transceiver.power", "ref:endpoint_transceiver.price", "ref:endpoint_transceiver.speed",
    "ref:transceiver.power", "ref:transceiver.price", "ref:transceiver.speed", "set:switches_core",
    "set:switches_leaf", "set:switches_spine", "tiers", "transceiver",)

# read by network.capex, network.capex_optics
_NETWORK_CAPEX = _NETWORK + (
    "aoc", "endpoint_transceiver", "in_systems", "nic", "ref:aoc.power", "ref:aoc.price", "ref:aoc.reach",
    "ref:aoc.speed", "ref:endpoint_transceiver.power", "ref:endpoint_transceiver.price",
    "ref:endpoint_transceiver.speed", "ref:nic.price", "ref:switch.price", "ref:transceiver.power",
    "ref:transceiver.price", "ref:transceiver.speed", "switches_core", "switches_leaf", "switches_spine", "tiers",
    "transceiver", "up:parts:rack.count",)

# read by site.busway_loss, site.busway_power_in, site.busway_stage_efficiency, site.pdu_loss, site.pdu_power_in,
# site.pdu_stage_efficiency, site.rectifier_loss, site.rectifier_power_in, site.rectifier_stage_efficiency,
# site.switchgear_loss_outside_halls, site.switchgear_power_in_outside_halls,
# site.switchgear_stage_efficiency_outside_halls, site.transformer_loss, site.transformer_power_in,
# site.transformer_stage_efficiency, site.ups_loss, site.ups_power_in, site.ups_stage_efficiency
_SITE_POWER_STAGE = (
    "all:busway.efficiency", "all:pdu.efficiency", "all:rectifier.efficiency", "all:switchgear.efficiency",
    "all:transformer.efficiency", "all:ups.efficiency", "distribution", "it_power", "parts:busway.efficiency",
    "parts:hall.count", "parts:hall.distribution", "parts:hall.it_power", "parts:pdu.efficiency",
    "parts:rectifier.efficiency", "parts:switchgear.efficiency", "parts:transformer.efficiency",
    "parts:ups.efficiency", "up:distribution", "up:parts:busway.efficiency", "up:parts:pdu.efficiency",
    "up:parts:rectifier.efficiency", "up:parts:switchgear.efficiency", "up:parts:transformer.efficiency",
    "up:parts:ups.efficiency")
_SITE_POWER_STAGE = _SITE_POWER_STAGE + ("all:row.count", "all:row.it_power")   # each row through its own chain
_SITE_POWER_STAGE_IT = _SITE_POWER_STAGE
_SITE_POWER_STAGE = _SITE_POWER_STAGE + ("cooling_power", "parts:hall.cooling_power")

# read by site.busway_loss_outside_halls, site.busway_power_in_outside_halls,
# site.busway_stage_efficiency_outside_halls, site.pdu_loss_outside_halls, site.pdu_power_in_outside_halls,
# site.pdu_stage_efficiency_outside_halls, site.rectifier_loss_outside_halls, site.rectifier_power_in_outside_halls,
# site.rectifier_stage_efficiency_outside_halls, site.transformer_loss_outside_halls,
# site.transformer_power_in_outside_halls, site.transformer_stage_efficiency_outside_halls,
# site.ups_loss_outside_halls, site.ups_power_in_outside_halls, site.ups_stage_efficiency_outside_halls
_SITE_POWER_STAGE_OUTSIDE_HALLS = (
    "distribution", "it_power", "parts:busway.efficiency", "parts:hall.count", "parts:hall.it_power",
    "parts:pdu.efficiency", "parts:rectifier.efficiency", "parts:switchgear.efficiency",
    "parts:transformer.efficiency", "parts:ups.efficiency", "up:distribution", "cooling_power",
    "parts:hall.cooling_power", "all:row.count", "all:row.it_power", "parts:row.parts:busway.efficiency",
    "parts:row.parts:pdu.efficiency", "parts:row.parts:rectifier.efficiency")

# read by site.crahs_outside_halls, site.heat_air_outside_halls, site.heat_liquid_outside_halls
_SITE_HEAT_OUTSIDE_HALLS = (
    "heat_air", "heat_liquid", "it_power", "it_power_avg", "parts:hall.count", "parts:hall.heat_air",
    "parts:hall.heat_liquid")

# read by training.compute_utilization, training.memory_utilization
_TRAINING_UTILIZATION = _TRAINING_SOLVE + _IDLE + (
    "chip", "let:inference_gemm_efficiency", "let:tp_comm_overlap", "mfu", "pp", "ref:chip.bf16", "ref:chip.fp8",
    "ref:chip.idle_power", "ref:chip.let:full_clock_power", "ref:chip.let:serving_efficiency", "ref:chip.memory",
    "ref:chip.memory_bw", "ref:chip.scaleup_bw", "ref:chip.tdp", "ref:rack.all:chip.let:serving_efficiency_fp4",
    "ref:rack.all:chip.memory_bw", "ref:rack.all:cpu.let:serving_efficiency_fp4",
    "ref:rack.all:dpu.let:serving_efficiency_fp4", "ref:rack.all:memory.let:serving_efficiency_fp4",
    "ref:rack.all:nic.let:serving_efficiency_fp4", "ref:rack.all:server.let:serving_efficiency_fp4",
    "ref:rack.all:storage.let:serving_efficiency_fp4", "ref:rack.all:switch.let:serving_efficiency_fp4",
    "ref:system.parts:chip.bf16", "ref:system.parts:chip.fp4", "ref:system.parts:chip.int8",
    "ref:system.parts:*.let:bf16_sparse", "ref:system.parts:*.let:full_clock_power",
    "ref:system.parts:*.let:serving_efficiency", "ref:system.parts:*.let:serving_efficiency_fp4",
    "ref:system.parts:chip.memory_bw", "ref:system.parts:chip.sram", "scaleout_bw", "set:cp", "set:ep",
    "set:microbatch", "set:virtual_stages", "tp",)

# read by training.microbatch, training.virtual_stages
_TRAINING_LAYOUT = _TRAINING_SOLVE + (
    "checkpoint_time", "chip", "eval_tokens", "pp_schedule", "ref:chip.fp8", "ref:chip.idle_power",
    "ref:chip.memory", "ref:chip.scaleup_bw", "ref:chip.tdp", "ref:system.parts:chip.bf16", "restart_time",
    "scaleout_bw", "set:cp", "set:ep", "set:pp", "set:tp",)


READS: dict[str, tuple[str, ...]] = {
    # --- busway
    "busway.units_needed": _POWER_GEAR_UNITS_NEEDED,
    "busway.utilization": _POWER_GEAR_UTILIZATION,
    # --- cable
    "cable.quantity": ("count", "up:count"),
    "cable.total_power": ("power", "quantity"),
    "cable.total_price": ("price", "quantity"),
    # --- cdu
    "cdu.units_needed": _COOLING_UNITS_NEEDED,
    "cdu.utilization": _COOLING_UTILIZATION,
    # --- chip
    "chip.peak_power": ("tdp",),
    "chip.power": ("idle_power", "tdp", "up:utilization"),
    "chip.quantity": ("count", "up:count"),
    "chip.total_power": ("peak_power", "power", "quantity"),
    "chip.total_price": ("price", "quantity"),
    # --- cpu
    "cpu.peak_power": ("tdp",),
    "cpu.power": ("idle_power", "tdp", "utilization"),
    "cpu.quantity": ("count", "up:count"),
    "cpu.total_power": ("peak_power", "power", "quantity"),
    "cpu.total_price": ("price", "quantity"),
    # --- crah
    "crah.units_needed": _COOLING_UNITS_NEEDED,
    "crah.utilization": _COOLING_UTILIZATION,
    # --- dpu
    "dpu.quantity": ("count", "up:count"),
    "dpu.total_power": ("power", "quantity"),
    "dpu.total_price": ("price", "quantity"),
    # --- generator
    "generator.units_needed": _POWER_GEAR_UNITS_NEEDED,
    "generator.utilization": _POWER_GEAR_UTILIZATION,
    # --- hall
    "hall.accelerators": ("parts:rack.accelerators", "parts:rack.count", "parts:row.accelerators", "parts:row.count"),
    "hall.accelerators_all": ("accelerators", "count"),
    "hall.air_chillers_run": _HALL_AIR_CHILLERS + ("heat_air",),
    "hall.air_free_cooling_hours": _HALL_AIR_CHILLERS + ("heat_air",),
    "hall.airflow": ("heat_air", "up:air_delta_t"),
    "hall.busway_loss": _HALL_POWER_STAGE,
    "hall.busway_power_in": _HALL_POWER_STAGE,
    "hall.busway_stage_efficiency": _HALL_POWER_STAGE,
    "hall.capex": _CAPEX,
    "hall.capex_building": ("it_power", "up:shell_cost"),
    "hall.capex_building_per_watt": ("capex_building", "it_power"),
    "hall.capex_cooling": (
        # the chiller class's duty, the heat on loops that need compressors at the design ambient (cost._plant:
        # facility.compressor_heat, s24-capex)
        "air_supply_temp", "supply_temp", "up:air_supply_temp", "up:ambient_temp",
        "up:supply_temp", "up:wet_bulb_temp",
        "cdus", "chillers", "crahs", "dry_coolers", "it_power", "parts:cdu.count", "parts:cdu.price",
        "parts:crah.count", "parts:crah.price", "parts:pump.count", "parts:pump.price", "up:plant_cost",
        "heat_rejection", "up:heat_rejection",
        # the CDU and CRAH classes' heat paths (cost._plant: facility.direct_heat, and the rows' and racks' that
        # place the class)
        "heat_air", "heat_liquid", "parts:row.heat_liquid", "parts:row.heat_air", "parts:rack.heat_liquid",
        "parts:row.parts:rack.heat_liquid",
        # the gear its rows place (cost._row_gear)
        "parts:row.count", "parts:row.it_power", "parts:row.parts:cdu.count", "parts:row.parts:cdu.price", "parts:row.parts:crah.count", "parts:row.parts:crah.price", "parts:rack.count", "parts:rack.it_power", "parts:rack.price", "parts:rack.parts:cdu.count", "parts:rack.parts:cdu.price", "parts:row.parts:rack.count", "parts:row.parts:rack.it_power", "parts:row.parts:rack.price", "parts:row.parts:rack.parts:cdu.count", "parts:row.parts:rack.parts:cdu.price"),
    "hall.capex_depreciable_facility": ("capex_building", "capex_cooling", "capex_power"),
    "hall.capex_depreciable_it": ("capex_it", "capex_network", "capex_optics"),
    "hall.capex_it": ("parts:rack.capex_it", "parts:rack.count", "parts:row.capex_it", "parts:row.count"),
    "hall.capex_land": (),
    "hall.capex_maintained": ("capex", "capex_building", "capex_land"),
    "hall.land_capital_year": ("capex_land", "up:parts:finance.discount_rate"),
    "hall.capex_network": (
        "parts:network.capex", "parts:network.capex_optics", "parts:rack.capex_network", "parts:rack.count",
        "parts:row.capex_network", "parts:row.count"),
    "hall.capex_optics": (
        "parts:network.capex_optics", "parts:rack.capex_optics", "parts:rack.count",
        "parts:row.capex_optics", "parts:row.count"),
    "hall.capex_power": (
        # the part the conversion and distribution classes are estimated on (cost._sized: ac UPS and PDU, dc800
        # rectifier and busway, s24-capex)
        "distribution", "up:distribution",
        "it_power", "parts:busway.count", "parts:busway.price", "parts:pdu.count", "parts:pdu.price",
        "parts:rack.count", "parts:rack.parts:power_shelf.count", "parts:rack.parts:power_shelf.price",
        "parts:rack.price", "parts:row.count", "parts:row.parts:rack.count",
        "parts:row.parts:rack.parts:power_shelf.count", "parts:row.parts:rack.parts:power_shelf.price",
        "parts:row.parts:rack.price",
        "parts:rectifier.count", "parts:rectifier.price", "parts:switchgear.count", "parts:switchgear.price",
        "parts:transformer.count", "parts:transformer.price", "parts:ups.count", "parts:ups.price", "up:plant_cost",
        # the gear its rows place (cost._row_gear)
        "parts:row.it_power", "parts:row.parts:busway.count", "parts:row.parts:busway.price", "parts:row.parts:pdu.count", "parts:row.parts:pdu.price", "parts:row.parts:rectifier.count", "parts:row.parts:rectifier.price", "parts:rack.it_power", "parts:rack.parts:pdu.count", "parts:rack.parts:pdu.price", "parts:row.parts:rack.it_power", "parts:row.parts:rack.parts:pdu.count", "parts:row.parts:rack.parts:pdu.price"),
    "hall.cdus": (
        "heat_air", "heat_liquid", "it_power", "it_power_avg", "parts:cdu.capacity", "parts:cdu.redundancy",
        "parts:crah.capacity", "parts:crah.redundancy", "parts:pump.capacity", "parts:pump.redundancy",
        "up:parts:cdu.capacity", "up:parts:chiller.capacity", "up:parts:cooling_tower.capacity",
        "up:parts:crah.capacity", "up:parts:dry_cooler.capacity", "up:parts:pump.capacity"),
    "hall.chilled_water_temp": ("air_supply_temp", "up:air_supply_temp", "up:supply_temp"),
    "hall.chillers": (
        "air_supply_temp", "heat_air", "heat_liquid", "heat_rejection", "it_power", "it_power_avg",
        "parts:cdu.capacity", "parts:cdu.power", "parts:cdu.redundancy", "parts:crah.capacity", "parts:crah.power",
        "parts:crah.redundancy", "parts:pump.capacity", "parts:pump.power", "parts:pump.redundancy", "supply_temp",
        "up:air_supply_temp", "up:ambient_temp", "up:heat_rejection", "up:mean_ambient_temp", "up:parts:cdu.capacity",
        "up:parts:cdu.redundancy", "up:parts:chiller.capacity", "up:parts:chiller.cop", "up:parts:chiller.redundancy",
        "up:parts:cooling_tower.capacity", "up:parts:cooling_tower.redundancy", "up:parts:crah.capacity",
        "up:parts:crah.redundancy", "up:parts:dry_cooler.capacity", "up:parts:dry_cooler.redundancy",
        "up:parts:pump.capacity", "up:parts:pump.redundancy", "up:supply_temp", "up:wet_bulb_temp"),
    "hall.coolant_flow": ("heat_liquid", "liquid_delta_t", "up:liquid_delta_t"),
    "hall.cooling_power": _HALL_COOLING,
    "hall.cooling_power_avg": _HALL_COOLING,
    "hall.cost_per_accelerator_hour": ("accelerators", "tco_year"),
    "hall.cost_per_mw": ("capex", "it_power"),
    "hall.crahs": (
        "heat_air", "heat_liquid", "it_power", "it_power_avg", "parts:cdu.capacity", "parts:cdu.redundancy",
        "parts:crah.capacity", "parts:crah.redundancy", "parts:pump.capacity", "parts:pump.redundancy"),
    "hall.depreciation_facility_year": (
        "capex_depreciable_facility", "up:parts:finance.depreciation_facility",
        "up:parts:finance.discount_rate"),
    "hall.depreciation_it_year": (
        "capex_depreciable_it", "up:parts:finance.depreciation_it",
        "up:parts:finance.discount_rate"),
    "hall.depreciation_year": ("depreciation_facility_year", "depreciation_it_year"),
    "hall.dry_coolers": (
        "heat_air", "heat_liquid", "heat_rejection", "it_power", "it_power_avg", "parts:cdu.capacity",
        "parts:cdu.power", "parts:cdu.redundancy", "parts:crah.capacity", "parts:crah.power", "parts:crah.redundancy",
        "parts:pump.capacity", "parts:pump.power", "parts:pump.redundancy", "supply_temp", "up:air_supply_temp",
        "up:ambient_temp", "up:heat_rejection", "up:mean_ambient_temp", "up:parts:cdu.capacity",
        "up:parts:cdu.redundancy", "up:parts:chiller.capacity", "up:parts:chiller.cop", "up:parts:chiller.redundancy",
        "up:parts:cooling_tower.capacity", "up:parts:cooling_tower.redundancy", "up:parts:crah.capacity",
        "up:parts:crah.redundancy", "up:parts:dry_cooler.capacity", "up:parts:dry_cooler.redundancy",
        "up:parts:pump.capacity", "up:parts:pump.redundancy", "up:supply_temp", "up:wet_bulb_temp"),
    "hall.energy_year": ("facility_power_metered",),
    "hall.facility_power_metered": ("facility_power_avg", "accelerators", "parent.facility_power_metered",
                                    "parent.facility_power_avg", "parent.accelerators"),
    "hall.facility_power": ("cooling_power", "it_power", "power_chain_loss"),
    "hall.facility_power_avg": (
        "all:busway.efficiency", "all:pdu.efficiency", "all:rectifier.efficiency", "all:switchgear.efficiency",
        "all:transformer.efficiency", "all:ups.efficiency", "cooling_power_avg", "distribution", "it_power_avg",
        "parts:busway.efficiency", "parts:pdu.efficiency", "parts:rectifier.efficiency", "parts:switchgear.efficiency",
        "parts:transformer.efficiency", "parts:ups.efficiency", "set:pue", "up:distribution",
        "up:parts:busway.efficiency", "up:parts:pdu.efficiency", "up:parts:rectifier.efficiency",
        "up:parts:switchgear.efficiency", "up:parts:transformer.efficiency", "up:parts:ups.efficiency",
        "all:row.count", "all:row.it_power_avg"),
    "hall.feed_utilization": ("facility_power", "power_feed"),
    "hall.heat_air": ("heat_liquid", "it_power"),
    "hall.heat_air_all": ("count", "heat_air"),
    "hall.heat_liquid": (
        "it_power", "parts:rack.count", "parts:rack.heat_liquid", "parts:row.count", "parts:row.heat_liquid"),
    "hall.heat_liquid_all": ("count", "heat_liquid"),
    "hall.heat_rejected": _HALL_COOLING,
    "hall.it_power": (
        "parts:network.power", "parts:rack.count", "parts:rack.it_power", "parts:row.count", "parts:row.it_power"),
    "hall.it_power_all": ("count", "it_power"),
    "hall.it_power_avg": (
        "parts:network.power", "parts:rack.count", "parts:rack.it_power_avg", "parts:row.count",
        "parts:row.it_power_avg"),
    "hall.it_power_outside_racks": ("parts:network.power", "parts:row.count", "parts:row.it_power_outside_racks"),
    "hall.liquid_chillers_run": _HALL_LIQUID_CHILLERS + ("heat_liquid",),
    "hall.liquid_free_cooling_hours": _HALL_LIQUID_CHILLERS + ("heat_liquid",),
    "hall.opex": ("opex_energy", "opex_lease", "opex_maintenance", "opex_staff", "opex_water"),
    "hall.opex_energy": ("facility_power_metered", "up:electricity_price"),
    "hall.opex_lease": ("it_power", "up:colocation_price"),
    "hall.opex_maintenance": ("capex_maintained",),
    "hall.opex_staff": ("up:it_power", "up:parts:finance.staff_cost"),
    "hall.opex_water": ("up:water_price", "water_year"),
    "hall.pdu_loss": _HALL_POWER_STAGE,
    "hall.pdu_power_in": _HALL_POWER_STAGE,
    "hall.pdu_stage_efficiency": _HALL_POWER_STAGE,
    "hall.power_accelerators": (
        "parts:rack.count", "parts:rack.power_accelerators", "parts:row.count", "parts:row.power_accelerators"),
    "hall.power_chain_efficiency": _HALL_POWER_STAGE_IT,
    "hall.power_chain_loss": (
        "distribution", "it_power", "parts:busway.efficiency", "parts:pdu.efficiency", "parts:rectifier.efficiency",
        "parts:switchgear.efficiency", "parts:transformer.efficiency", "parts:ups.efficiency", "up:distribution",
        "up:parts:busway.efficiency", "up:parts:pdu.efficiency", "up:parts:rectifier.efficiency",
        "up:parts:switchgear.efficiency", "up:parts:transformer.efficiency", "up:parts:ups.efficiency",
        "cooling_power", "all:row.count", "all:row.it_power", "all:busway.efficiency", "all:pdu.efficiency",
        "all:rectifier.efficiency"),
    "hall.power_cpus": ("parts:rack.count", "parts:rack.power_cpus", "parts:row.count", "parts:row.power_cpus"),
    "hall.power_memory": ("parts:rack.count", "parts:rack.power_memory", "parts:row.count", "parts:row.power_memory"),
    "hall.power_network": (
        "parts:network.power", "parts:rack.count", "parts:rack.power_network", "parts:row.count",
        "parts:row.power_network"),
    "hall.power_overhead": ("it_power", "power_accelerators", "power_cpus", "power_memory", "power_network"),
    "hall.pue": ("facility_power_avg", "it_power_avg"),
    "hall.rectifier_loss": _HALL_POWER_STAGE,
    "hall.rectifier_power_in": _HALL_POWER_STAGE,
    "hall.rectifier_stage_efficiency": _HALL_POWER_STAGE,
    "hall.switchgear_loss": _HALL_POWER_STAGE,
    "hall.switchgear_power_in": _HALL_POWER_STAGE,
    "hall.switchgear_stage_efficiency": _HALL_POWER_STAGE,
    "hall.tco_year": ("depreciation_year", "land_capital_year", "opex"),
    "hall.transformer_loss": _HALL_POWER_STAGE,
    "hall.transformer_power_in": _HALL_POWER_STAGE,
    "hall.transformer_stage_efficiency": _HALL_POWER_STAGE,
    "hall.ups_loss": _HALL_POWER_STAGE,
    "hall.ups_power_in": _HALL_POWER_STAGE,
    "hall.ups_stage_efficiency": _HALL_POWER_STAGE,
    "hall.water_year": (
        "air_supply_temp", "heat_air", "heat_liquid", "heat_rejection", "it_power", "it_power_avg",
        "up:air_supply_temp", "up:ambient_temp", "up:heat_rejection", "up:mean_ambient_temp", "up:supply_temp",
        "up:wet_bulb_temp", "up:parts:cooling_tower.capacity", "up:parts:cooling_tower.count",
        "up:parts:cooling_tower.water_use"),
    # --- inference
    "inference.accelerator_power": _INFERENCE_POWER,
    "inference.accelerators_needed": _INFERENCE_OUTPUT,
    "inference.batch": _INFERENCE_SOLVE + (
        "chip", "layer_latency", "let:inference_gemm_efficiency", "max_input_tokens", "max_num_tokens", "ref:chip.bf16",
        "ref:chip.dynamic_power", "ref:chip.fp8", "ref:chip.idle_power", "ref:chip.let:full_clock_power",
        "ref:chip.let:serving_efficiency", "ref:chip.memory", "ref:chip.memory_bw", "ref:chip.scaleup_bw",
        "ref:chip.tdp", "ref:rack.all:chip.dynamic_power", "ref:system.parts:chip.dynamic_power", "set:pp", "set:tp",),
    "inference.batch_in_flight": _INFERENCE_OUTPUT,
    "inference.clock_fraction": _INFERENCE_OUTPUT,
    "inference.cost_per_hour": ("served_tokens_per_s", "usd_per_mtok"),
    "inference.compute_utilization": _INFERENCE_UTILIZATION,
    "inference.decode_accelerators": _INFERENCE_OUTPUT,
    "inference.ep": _INFERENCE_OUTPUT,
    "inference.feasible": _INFERENCE_OUTPUT,
    "inference.kv_per_token": _INFERENCE_OUTPUT,
    "inference.max_batch": _INFERENCE_OUTPUT,
    "inference.memory_utilization": _INFERENCE_UTILIZATION,
    "inference.offered_share": _INFERENCE_OUTPUT,
    "inference.ttft_p99_low": _INFERENCE_OUTPUT,
    "inference.ttft_p99_high": _INFERENCE_OUTPUT,
    "inference.tpot_p99_low": _INFERENCE_OUTPUT,
    "inference.tpot_p99_high": _INFERENCE_OUTPUT,
    "inference.ttft_p50_low": _INFERENCE_OUTPUT,
    "inference.ttft_p50_high": _INFERENCE_OUTPUT,
    "inference.tpot_mean_low": _INFERENCE_OUTPUT,
    "inference.tpot_mean_high": _INFERENCE_OUTPUT,
    "inference.room_load": _INFERENCE_OUTPUT,
    "inference.tpot_limit_held": ("model", "scenario", "tpot_limit"),
    "inference.ttft_limit_held": ("model", "scenario", "ttft_limit"),
    "inference.ttft_limit_use": ("ttft_p99", "ttft_limit_held"),
    "inference.tpot_limit_use": ("tpot_p99", "tpot_limit_held"),
    "inference.accelerators_held": _INFERENCE_OUTPUT,
    "inference.power_avg": _INFERENCE_OUTPUT + _SYSTEM_POWER_AT + _IDLE + _CHIP_POWER_MODEL + (
        "power", "utilization", "chip", "ref:chip.idle_power", "ref:chip.tdp", "ref:rack.all:chip.idle_power",
        "ref:rack.all:chip.tdp", "pp", "tp", "batch"),
    "inference.power": _INFERENCE_SOLVE + _SYSTEM_POWER_AT + _IDLE + (
        "accelerator_power", "chip", "ref:rack.parts:chip.count", "ref:system.parts:chip.count", "set:batch", "set:pp",
        "set:tp", "system_power",),
    "inference.pp": _INFERENCE_SOLVE + (
        "chip", "layer_latency", "let:inference_gemm_efficiency", "max_input_tokens", "max_num_tokens", "ref:chip.bf16",
        "ref:chip.dynamic_power", "ref:chip.fp8", "ref:chip.idle_power", "ref:chip.let:full_clock_power",
        "ref:chip.let:serving_efficiency", "ref:chip.memory", "ref:chip.memory_bw", "ref:chip.scaleup_bw",
        "ref:chip.tdp", "ref:rack.all:chip.dynamic_power", "ref:system.parts:chip.dynamic_power", "set:batch", "set:tp",),
    "inference.idle_accelerators": _INFERENCE_OUTPUT,
    "inference.prefill_accelerators": _INFERENCE_OUTPUT,
    "inference.prefill_batch": _INFERENCE_OUTPUT,
    "inference.prefill_tp": _INFERENCE_OUTPUT,
    "inference.replicas": _INFERENCE_OUTPUT,
    "inference.sustained_clock": _INFERENCE_POWER,
    "inference.system_power": _INFERENCE_SOLVE + _RACK_SERVER_COOLING + (
        "accelerator_power", "let:tp_comm_overlap", "ref:model.context", "ref:rack.all:chip.peak_power",
        "ref:rack.all:chip.power", "ref:rack.all:cpu.peak_power", "ref:rack.all:cpu.power", "ref:rack.all:cpu.tdp",
        "ref:rack.all:dpu.power", "ref:rack.all:memory.power", "ref:rack.all:nic.power",
        "ref:rack.all:server.peak_power", "ref:rack.all:server.power", "ref:rack.all:storage.power",
        "ref:rack.all:switch.power", "ref:rack.parts:chip.count", "ref:rack.parts:chip.power",
        "ref:rack.parts:dpu.count", "ref:rack.parts:dpu.power", "ref:rack.parts:nic.count", "ref:rack.parts:nic.power",
        "ref:rack.parts:power_shelf.efficiency", "ref:rack.parts:server.count", "ref:rack.parts:server.overhead_power",
        "ref:rack.parts:server.power", "ref:rack.parts:server.idle_power", "ref:rack.parts:server.psu_efficiency", "ref:rack.parts:storage.count",
        "ref:rack.parts:storage.power", "ref:rack.parts:switch.count", "ref:rack.parts:switch.power",
        "ref:system.cooling", "ref:system.overhead_power", "ref:system.parts:chip.peak_power",
        "ref:system.parts:*.power", "ref:system.parts:cpu.peak_power", "ref:system.idle_power", "ref:system.psu_efficiency", "set:batch",
        "set:ep", "set:pp", "set:tp", "up:parts:network.alltoall_bw", "up:parts:network.injection_bw",
        "up:parts:network.role",),
    "inference.system_power_dc": _INFERENCE_SOLVE + _RACK_SERVER_COOLING + (
        "set:system_power",
        "accelerator_power", "let:tp_comm_overlap", "ref:model.context", "ref:rack.all:chip.peak_power",
        "ref:rack.all:chip.power", "ref:rack.all:cpu.peak_power", "ref:rack.all:cpu.power", "ref:rack.all:cpu.tdp",
        "ref:rack.all:dpu.power", "ref:rack.all:memory.power", "ref:rack.all:nic.power",
        "ref:rack.all:server.peak_power", "ref:rack.all:server.power", "ref:rack.all:storage.power",
        "ref:rack.all:switch.power", "ref:rack.parts:chip.count", "ref:rack.parts:chip.power",
        "ref:rack.parts:dpu.count", "ref:rack.parts:dpu.power", "ref:rack.parts:nic.count", "ref:rack.parts:nic.power",
        "ref:rack.parts:server.count", "ref:rack.parts:server.overhead_power", "ref:rack.parts:server.power",
        "ref:rack.parts:server.idle_power", "ref:rack.parts:server.psu_efficiency", "ref:rack.parts:storage.count", "ref:rack.parts:storage.power",
        "ref:rack.parts:switch.count", "ref:rack.parts:switch.power", "ref:system.cooling", "ref:system.overhead_power",
        "ref:system.parts:chip.peak_power", "ref:system.parts:*.power", "ref:system.parts:cpu.peak_power",
        "ref:system.idle_power", "ref:system.psu_efficiency", "set:batch", "set:ep", "set:pp", "set:tp", "up:parts:network.alltoall_bw",
        "up:parts:network.injection_bw", "up:parts:network.role",),
    "inference.served_tokens_per_s": _INFERENCE_OUTPUT + ("offered_share", "tokens_per_s", "utilization"),
    "inference.tokens_per_joule": _INFERENCE_ENERGY,
    "inference.tokens_per_s": _INFERENCE_OUTPUT,
    "inference.tokens_per_s_per_chip": _INFERENCE_OUTPUT + ("tokens_per_s",),
    "inference.tokens_per_s_per_mw": _INFERENCE_ENERGY,
    "inference.tokens_per_s_per_system": _INFERENCE_OUTPUT + ("tokens_per_s_per_chip",),
    "inference.tokens_per_s_per_user": _INFERENCE_OUTPUT + ("tpot",),
    "inference.tp": _INFERENCE_SOLVE + (
        "chip", "layer_latency", "let:inference_gemm_efficiency", "max_input_tokens", "max_num_tokens", "ref:chip.bf16",
        "ref:chip.dynamic_power", "ref:chip.fp8", "ref:chip.idle_power", "ref:chip.let:full_clock_power",
        "ref:chip.let:serving_efficiency", "ref:chip.memory", "ref:chip.memory_bw", "ref:chip.scaleup_bw",
        "ref:chip.tdp", "ref:rack.all:chip.dynamic_power", "ref:system.parts:chip.dynamic_power", "set:batch", "set:pp",),
    "inference.tpot": _INFERENCE_OUTPUT,
    "inference.tpot_mean": _INFERENCE_OUTPUT,
    "inference.tpot_p99": _INFERENCE_OUTPUT + ("tpot",),
    "inference.ttft": _INFERENCE_OUTPUT,
    "inference.ttft_p50": _INFERENCE_OUTPUT,
    "inference.ttft_p99": _INFERENCE_OUTPUT + ("ttft",),
    "inference.usd_per_mtok": _INFERENCE_SOLVE + _ACCELERATOR_COST + _SYSTEM_POWER_AT + _IDLE + _TYPE_HOUR + (
        "accelerator_cost", "chip", "layer_latency", "max_input_tokens", "max_num_tokens", "ref:chip.bf16",
        "ref:chip.dynamic_power", "ref:chip.idle_power", "ref:chip.let:full_clock_power",
        "ref:chip.let:serving_efficiency", "ref:chip.memory", "ref:chip.memory_bw", "ref:chip.power", "ref:chip.price",
        "ref:chip.scaleup_bw", "ref:chip.tdp", "ref:rack.all:chip.dynamic_power", "ref:rack.capex_it",
        "ref:rack.it_power_avg", "ref:system.capex_it", "ref:system.parts:chip.dynamic_power",
        "ref:system.parts:chip.peak_power", "ref:system.parts:*.power", "ref:system.parts:cpu.peak_power",
        "ref:system.peak_power", "ref:system.power", "set:batch", "set:pp", "set:tp", "tokens_per_s", "up:accelerators",
        "up:cost_per_accelerator_hour", "up:utilization", "utilization", "up:parts:finance.depreciation_it",
        "power", "served_tokens_per_s",
        "up:parts:finance.discount_rate",),
    "inference.weights_per_chip": _INFERENCE_OUTPUT,
    # --- memory
    "memory.quantity": ("count", "up:count"),
    "memory.total_power": ("power", "quantity"),
    "memory.total_price": ("price", "quantity"),
    # --- network
    "network.alltoall_bw": _NETWORK_TOPOLOGY,
    "network.bisection_bw": _NETWORK_TOPOLOGY,
    "network.cables_active": _NETWORK_CABLES,
    "network.cables_copper": _NETWORK_CABLES,
    "network.cables_optical": _NETWORK_CABLES,
    "network.capex": _NETWORK_CAPEX,
    "network.capex_optics": _NETWORK_CAPEX,
    "network.capex_cables": _NETWORK_CAPEX,
    "network.capex_nics": _NETWORK_CAPEX,
    "network.capex_switching": _NETWORK_CAPEX,
    "network.capex_transceivers": _NETWORK_CAPEX,
    "network.nics_counted": _NETWORK_CAPEX,
    "network.domains": _NETWORK_TOPOLOGY,
    "network.endpoints": (
        "role", "up:accelerators", "up:all:chip.count", "up:all:cpu.count", "up:all:dpu.count", "up:all:memory.count",
        "up:all:nic.count", "up:all:rack.count", "up:all:row.count", "up:all:server.count", "up:all:storage.count",
        "up:all:switch.count", "up:parts:hall.count", "up:parts:rack.count"),
    "network.injection_bw": ("link_speed", "nic", "ref:nic.bandwidth", "role", "topology", "up:all:chip.scaleup_bw")
    + _SERVERS_NICS,
    "network.link_speed": (
        "dims", "nic", "ref:nic.bandwidth", "ref:switch.port_speed", "role", "set:injection_bw", "switch", "topology")
    + _SERVERS_NICS,
    "network.links_endpoint": _NETWORK_TOPOLOGY,
    "network.links_leaf_spine": _NETWORK_TOPOLOGY,
    "network.links_spine_core": _NETWORK_TOPOLOGY,
    "network.max_endpoints": _NETWORK_TOPOLOGY,
    "network.ports": _NETWORK_TOPOLOGY,
    "network.power": _NETWORK + (
        "aoc", "endpoint_transceiver", "in_systems", "nic", "ref:aoc.power", "ref:aoc.price", "ref:aoc.reach",
        "ref:aoc.speed", "ref:endpoint_transceiver.power", "ref:endpoint_transceiver.price",
        "ref:endpoint_transceiver.speed", "ref:nic.power", "ref:switch.power", "ref:switch_spine.power",
        "ref:transceiver.power", "ref:transceiver.price", "ref:transceiver.speed", "switches_core", "switches_leaf",
        "switches_spine", "tiers", "transceiver", "up:parts:rack.count",),
    "network.switches": ("switches_core", "switches_leaf", "switches_spine"),
    "network.switches_core": _NETWORK + (
        "set:switches_leaf", "set:switches_spine", "tiers",),
    "network.switches_leaf": _NETWORK + (
        "set:switches_core", "set:switches_spine", "tiers",),
    "network.switches_spine": _NETWORK + (
        "set:switches_core", "set:switches_leaf", "tiers",),
    "network.tiers": _NETWORK + (
        "set:switches_core", "set:switches_leaf", "set:switches_spine",),
    "network.transceivers": _NETWORK_CABLES,
    # --- nic
    "nic.quantity": ("count", "up:count"),
    "nic.total_power": ("power", "quantity"),
    "nic.total_price": ("price", "quantity"),
    # --- pdu
    "pdu.units_needed": _POWER_GEAR_UNITS_NEEDED,
    "pdu.utilization": _POWER_GEAR_UTILIZATION,
    # --- rack
    "rack.accelerators": (
        "parts:chip.count", "parts:dpu.count", "parts:nic.count", "parts:server.accelerators", "parts:server.count",
        "parts:storage.count", "parts:switch.count"),
    "rack.accelerators_all": ("accelerators", "count"),
    "rack.airflow": ("heat_air", "up:air_delta_t"),
    "rack.capex_depreciable_it": ("capex_it", "capex_network", "capex_optics"),
    "rack.capex_it": (
        "parts:chip.count", "parts:chip.price", "parts:dpu.count", "parts:dpu.price", "parts:nic.count",
        "parts:nic.price", "parts:server.capex_it", "parts:server.count", "parts:server.price", "parts:storage.count",
        "parts:storage.price", "parts:switch.count", "parts:switch.price", "price"),
    "rack.capex_network": (
        "parts:chip.count", "parts:dpu.count", "parts:network.capex", "parts:network.capex_optics", "parts:nic.count",
        "parts:server.capex_network", "parts:server.count", "parts:storage.count", "parts:switch.count"),
    "rack.capex_optics": (
        "parts:network.capex_optics", "parts:switch.count",
        "parts:switch.parts:transceiver.count", "parts:switch.parts:transceiver.price"),
    "rack.coolant_flow": ("heat_liquid", "up:liquid_delta_t"),
    "rack.heat_air": ("heat_liquid", "it_power"),
    "rack.heat_liquid": (
        "cooling", "it_power", "liquid_fraction", "parts:chip.count", "parts:dpu.count", "parts:nic.count",
        "parts:server.count", "parts:server.heat_liquid", "parts:storage.count", "parts:switch.count"),
    "rack.it_power": (
        "parts:chip.count", "parts:chip.peak_power", "parts:chip.power", "parts:dpu.count", "parts:dpu.power",
        "parts:network.power", "parts:nic.count", "parts:nic.power", "parts:power_shelf.efficiency",
        "parts:server.count", "parts:server.peak_power", "parts:server.power", "parts:storage.count",
        "parts:storage.power", "parts:switch.count", "parts:switch.power"),
    "rack.it_power_all": ("count", "it_power"),
    "rack.it_power_avg": (
        "parts:chip.count", "parts:chip.power", "parts:dpu.count", "parts:dpu.power", "parts:network.power",
        "parts:nic.count", "parts:nic.power", "parts:power_shelf.efficiency", "parts:server.count",
        "parts:server.power", "parts:storage.count", "parts:storage.power", "parts:switch.count", "parts:switch.power"),
    "rack.power_accelerators": (
        "parts:chip.count", "parts:chip.peak_power", "parts:dpu.count", "parts:nic.count", "parts:server.count",
        "parts:server.peak_power", "parts:server.power_accelerators", "parts:storage.count", "parts:switch.count"),
    "rack.power_cpus": (
        "parts:chip.count", "parts:chip.peak_power", "parts:dpu.count", "parts:nic.count", "parts:server.count",
        "parts:server.peak_power", "parts:server.power_cpus", "parts:storage.count", "parts:switch.count"),
    "rack.power_limit_utilization": ("it_power", "power_limit"),
    "rack.power_memory": (
        "parts:chip.count", "parts:dpu.count", "parts:nic.count", "parts:server.count", "parts:server.power_memory",
        "parts:storage.count", "parts:switch.count"),
    "rack.power_network": (
        "parts:chip.count", "parts:chip.power", "parts:dpu.count", "parts:dpu.power", "parts:network.power",
        "parts:nic.count", "parts:nic.power", "parts:server.count", "parts:server.power", "parts:server.power_network",
        "parts:storage.count", "parts:storage.power", "parts:switch.count", "parts:switch.power"),
    "rack.power_overhead": ("it_power", "power_accelerators", "power_cpus", "power_memory", "power_network"),
    "rack.quantity": ("count", "up:count"),
    "rack.total_power": ("it_power", "quantity"),
    "rack.total_price": ("price", "quantity"),
    # --- rectifier
    "rectifier.units_needed": _POWER_GEAR_UNITS_NEEDED,
    "rectifier.utilization": _POWER_GEAR_UTILIZATION,
    # --- row
    "row.accelerators": ("parts:rack.accelerators", "parts:rack.count", "parts:switch.count"),
    "row.accelerators_all": ("accelerators", "count"),
    "row.airflow": ("heat_air", "up:air_delta_t"),
    "row.capex_depreciable_it": ("capex_it", "capex_network", "capex_optics"),
    "row.capex_it": ("parts:rack.capex_it", "parts:rack.count", "parts:switch.count", "parts:switch.price"),
    "row.capex_network": (
        "parts:network.capex", "parts:network.capex_optics", "parts:rack.capex_network", "parts:rack.count",
        "parts:switch.count"),
    "row.capex_optics": (
        "parts:network.capex_optics", "parts:rack.capex_optics", "parts:rack.count",
        "parts:switch.count", "parts:switch.parts:transceiver.count", "parts:switch.parts:transceiver.price"),
    "row.coolant_flow": ("heat_liquid", "up:liquid_delta_t"),
    "row.heat_air": ("heat_liquid", "it_power"),
    "row.heat_liquid": ("it_power", "parts:rack.count", "parts:rack.heat_liquid", "parts:switch.count"),
    "row.it_power": (
        "parts:network.power", "parts:rack.count", "parts:rack.it_power", "parts:switch.count", "parts:switch.power"),
    "row.it_power_all": ("count", "it_power"),
    "row.it_power_avg": (
        "parts:network.power", "parts:rack.count", "parts:rack.it_power_avg", "parts:switch.count",
        "parts:switch.power"),
    "row.it_power_outside_racks": ("parts:network.power", "parts:switch.count", "parts:switch.power"),
    "row.power_accelerators": ("parts:rack.count", "parts:rack.power_accelerators", "parts:switch.count"),
    "row.power_cpus": ("parts:rack.count", "parts:rack.power_cpus", "parts:switch.count"),
    "row.power_limit_utilization": ("it_power", "power_limit"),
    "row.power_memory": ("parts:rack.count", "parts:rack.power_memory", "parts:switch.count"),
    "row.power_network": (
        "parts:network.power", "parts:rack.count", "parts:rack.power_network", "parts:switch.count",
        "parts:switch.power"),
    "row.power_overhead": ("it_power", "power_accelerators", "power_cpus", "power_memory", "power_network"),
    # --- server
    "server.accelerators": ("parts:*.count",),
    "server.capex_depreciable_it": ("capex_it", "capex_network"),
    "server.capex_it": ("parts:*.count", "parts:*.price", "price"),
    "server.capex_network": (
        "parts:dpu.count", "parts:dpu.price", "parts:nic.count", "parts:nic.price", "parts:switch.count",
        "parts:switch.parts:transceiver.count", "parts:switch.parts:transceiver.price", "parts:switch.price", "price"),
    "server.heat_air": ("heat_liquid", "peak_power"),
    "server.heat_liquid": ("cooling", "liquid_fraction", "peak_power"),
    "server.peak_power": (
        "cooling", "max_power", "overhead_fraction", "overhead_power", "parts:*.count", "parts:chip.peak_power",
        "parts:*.power", "parts:cpu.peak_power", "psu_efficiency"),
    "server.power": (
        "cooling", "idle_power", "max_power", "overhead_fraction", "overhead_power", "parts:*.count",
        "parts:chip.peak_power", "parts:*.power", "parts:cpu.peak_power", "psu_efficiency", "up:utilization",
        "utilization"),
    "server.power_accelerators": ("parts:*.count", "parts:chip.peak_power", "parts:cpu.peak_power"),
    "server.power_cpus": ("parts:*.count", "parts:chip.peak_power", "parts:cpu.peak_power"),
    "server.power_memory": ("parts:*.count",),
    "server.power_network": ("parts:*.count", "parts:*.power"),
    "server.power_overhead": ("peak_power", "power_accelerators", "power_cpus", "power_memory", "power_network"),
    "server.quantity": ("count", "up:count"),
    "server.total_power": ("peak_power", "power", "quantity"),
    "server.total_price": ("price", "quantity"),
    # --- site
    "site.accelerators": (
        "parts:hall.accelerators", "parts:hall.count", "parts:rack.accelerators", "parts:rack.count",
        "parts:row.accelerators", "parts:row.count"),
    "site.air_chillers_run": (
        "air_supply_temp", "ambient_temp", "heat_air", "heat_rejection", "up:air_supply_temp", "up:ambient_temp",
        "up:heat_rejection", "up:mean_ambient_temp", "up:supply_temp", "up:wet_bulb_temp"),
    "site.air_free_cooling_hours": (
        "air_supply_temp", "heat_air", "heat_rejection", "mean_ambient_temp", "up:air_supply_temp", "up:ambient_temp",
        "up:heat_rejection", "up:mean_ambient_temp", "up:supply_temp", "up:wet_bulb_temp"),
    "site.airflow": ("heat_air", "up:air_delta_t"),
    "site.airflow_outside_halls": (
        "heat_air", "heat_liquid", "it_power", "it_power_avg", "parts:hall.count", "parts:hall.heat_air",
        "parts:hall.heat_liquid", "up:air_delta_t"),
    "site.busway_loss": _SITE_POWER_STAGE,
    "site.busway_loss_outside_halls": _SITE_POWER_STAGE_OUTSIDE_HALLS,
    "site.busway_power_in": _SITE_POWER_STAGE,
    "site.busway_power_in_outside_halls": _SITE_POWER_STAGE_OUTSIDE_HALLS,
    "site.busway_stage_efficiency": _SITE_POWER_STAGE,
    "site.busway_stage_efficiency_outside_halls": _SITE_POWER_STAGE_OUTSIDE_HALLS,
    "site.capex": _CAPEX,
    "site.capex_building": (
        "it_power", "parts:hall.capex_building", "parts:hall.count", "parts:hall.it_power", "shell_cost",
        "up:shell_cost"),
    "site.capex_building_per_watt": ("capex_building", "it_power"),
    "site.capex_cooling": (
        # the chiller class's duty, the heat on loops that need compressors at the design ambient (cost._plant:
        # facility.compressor_heat, s24-capex)
        "air_supply_temp", "ambient_temp", "supply_temp", "wet_bulb_temp", "up:air_supply_temp", "up:ambient_temp",
        "up:supply_temp", "up:wet_bulb_temp",
        "cdus", "chillers", "crahs", "dry_coolers", "it_power", "parts:cdu.count", "parts:cdu.price",
        "parts:chiller.count", "parts:chiller.price", "parts:cooling_tower.count", "parts:cooling_tower.price",
        "parts:crah.count", "parts:crah.price", "parts:dry_cooler.count", "parts:dry_cooler.price",
        "parts:hall.capex_cooling", "parts:hall.count", "parts:hall.it_power", "parts:pump.count", "parts:pump.price",
        "plant_cost", "up:plant_cost", "heat_rejection", "up:heat_rejection",
        # the CDU and CRAH classes' heat paths (cost._plant: facility.direct_heat, and the rows' and racks' that
        # place the class)
        "heat_air", "heat_liquid", "parts:hall.heat_air", "parts:hall.heat_liquid", "parts:row.heat_liquid",
        "parts:row.heat_air", "parts:rack.heat_liquid", "parts:row.parts:rack.heat_liquid",
        # the CDUs and CRAHs its halls place, whose price per W prices the units sized outside them
        # (cost._halls_unit_price, _units_at: thermal.units_needed)
        "parts:hall.cdus", "parts:hall.crahs", "parts:hall.parts:cdu.capacity", "parts:hall.parts:cdu.count",
        "parts:hall.parts:cdu.price", "parts:hall.parts:crah.capacity", "parts:hall.parts:crah.count",
        "parts:hall.parts:crah.price", "parts:cdu.capacity", "parts:cdu.redundancy", "parts:crah.capacity",
        "parts:crah.redundancy", "up:parts:cdu.capacity", "up:parts:cdu.redundancy", "up:parts:crah.capacity",
        "up:parts:crah.redundancy",
        # the gear its rows place (cost._row_gear)
        "parts:row.count", "parts:row.it_power", "parts:row.parts:cdu.count", "parts:row.parts:cdu.price", "parts:row.parts:crah.count", "parts:row.parts:crah.price", "parts:rack.count", "parts:rack.it_power", "parts:rack.price", "parts:rack.parts:cdu.count", "parts:rack.parts:cdu.price", "parts:row.parts:rack.count", "parts:row.parts:rack.it_power", "parts:row.parts:rack.price", "parts:row.parts:rack.parts:cdu.count", "parts:row.parts:rack.parts:cdu.price"),
    "site.capex_depreciable_facility": ("capex_building", "capex_cooling", "capex_power"),
    "site.capex_depreciable_it": ("capex_it", "capex_network", "capex_optics"),
    "site.capex_it": (
        "parts:hall.capex_it", "parts:hall.count", "parts:rack.capex_it", "parts:rack.count", "parts:row.capex_it",
        "parts:row.count"),
    "site.capex_land": ("it_power", "land_price", "parts:hall.capex_land", "parts:hall.count"),
    "site.capex_maintained": ("capex", "capex_building", "capex_land"),
    "site.land_capital_year": ("capex_land", "parts:finance.discount_rate", "up:parts:finance.discount_rate"),
    "site.capex_network": (
        "parts:hall.capex_network", "parts:hall.count", "parts:network.capex", "parts:network.capex_optics",
        "parts:rack.capex_network", "parts:rack.count", "parts:row.capex_network", "parts:row.count"),
    "site.capex_optics": (
        "parts:hall.capex_optics", "parts:hall.count", "parts:network.capex_optics",
        "parts:rack.capex_optics", "parts:rack.count", "parts:row.capex_optics", "parts:row.count"),
    "site.capex_power": (
        # the part the conversion and distribution classes are estimated on (cost._sized: ac UPS and PDU, dc800
        # rectifier and busway, s24-capex)
        "distribution", "up:distribution",
        "it_power", "parts:busway.count", "parts:busway.price", "parts:generator.count", "parts:generator.price",
        "parts:hall.capex_power", "parts:hall.count", "parts:hall.it_power", "parts:pdu.count", "parts:pdu.price",
        "parts:rack.count", "parts:rack.parts:power_shelf.count", "parts:rack.parts:power_shelf.price",
        "parts:rack.price", "parts:row.count", "parts:row.parts:rack.count",
        "parts:row.parts:rack.parts:power_shelf.count", "parts:row.parts:rack.parts:power_shelf.price",
        "parts:row.parts:rack.price",
        "parts:rectifier.count", "parts:rectifier.price", "parts:switchgear.count", "parts:switchgear.price",
        "parts:transformer.count", "parts:transformer.price", "parts:ups.count", "parts:ups.price", "plant_cost",
        "up:plant_cost",
        # the gear its rows place (cost._row_gear)
        "parts:row.it_power", "parts:row.parts:busway.count", "parts:row.parts:busway.price", "parts:row.parts:pdu.count", "parts:row.parts:pdu.price", "parts:row.parts:rectifier.count", "parts:row.parts:rectifier.price", "parts:rack.it_power", "parts:rack.parts:pdu.count", "parts:rack.parts:pdu.price", "parts:row.parts:rack.it_power", "parts:row.parts:rack.parts:pdu.count", "parts:row.parts:rack.parts:pdu.price"),
    "site.cdus": (
        "heat_air", "heat_liquid", "it_power", "it_power_avg", "parts:cdu.capacity", "parts:cdu.redundancy",
        "parts:chiller.capacity", "parts:chiller.redundancy", "parts:cooling_tower.capacity",
        "parts:cooling_tower.redundancy", "parts:crah.capacity", "parts:crah.redundancy", "parts:dry_cooler.capacity",
        "parts:dry_cooler.redundancy", "parts:hall.cdus", "parts:hall.count", "parts:hall.heat_air",
        "parts:hall.heat_liquid", "parts:pump.capacity", "parts:pump.redundancy", "up:parts:cdu.capacity",
        "up:parts:chiller.capacity", "up:parts:cooling_tower.capacity", "up:parts:crah.capacity",
        "up:parts:dry_cooler.capacity", "up:parts:pump.capacity"),
    "site.cdus_outside_halls": (
        "heat_air", "heat_liquid", "it_power", "it_power_avg", "parts:cdu.capacity", "parts:chiller.capacity",
        "parts:cooling_tower.capacity", "parts:crah.capacity", "parts:dry_cooler.capacity", "parts:hall.count",
        "parts:hall.heat_air", "parts:hall.heat_liquid", "parts:pump.capacity"),
    "site.chilled_water_temp": ("air_supply_temp", "up:air_supply_temp", "up:supply_temp"),
    "site.chillers": (
        "air_supply_temp", "ambient_temp", "heat_air", "heat_liquid", "heat_rejection", "it_power", "it_power_avg",
        "parts:cdu.capacity", "parts:cdu.power", "parts:cdu.redundancy", "parts:chiller.capacity", "parts:chiller.cop",
        "parts:chiller.power", "parts:chiller.redundancy", "parts:cooling_tower.capacity", "parts:cooling_tower.power",
        "parts:cooling_tower.redundancy", "parts:crah.capacity", "parts:crah.power", "parts:crah.redundancy",
        "parts:dry_cooler.capacity", "parts:dry_cooler.power", "parts:dry_cooler.redundancy", "parts:hall.chillers",
        "parts:hall.count", "parts:hall.heat_air", "parts:hall.heat_liquid", "parts:pump.capacity", "parts:pump.power",
        "parts:pump.redundancy", "supply_temp", "up:air_supply_temp", "up:ambient_temp", "up:heat_rejection",
        "up:mean_ambient_temp", "up:parts:cdu.capacity", "up:parts:cdu.redundancy", "up:parts:chiller.capacity",
        "up:parts:chiller.cop", "up:parts:chiller.redundancy", "up:parts:cooling_tower.capacity",
        "up:parts:cooling_tower.redundancy", "up:parts:crah.capacity", "up:parts:crah.redundancy",
        "up:parts:dry_cooler.capacity", "up:parts:dry_cooler.redundancy", "up:parts:pump.capacity",
        "up:parts:pump.redundancy", "up:supply_temp", "up:wet_bulb_temp"),
    "site.coolant_flow": ("heat_liquid", "liquid_delta_t", "up:liquid_delta_t"),
    "site.coolant_flow_outside_halls": (
        "heat_air", "heat_liquid", "it_power", "it_power_avg", "parts:hall.count", "parts:hall.heat_air",
        "parts:hall.heat_liquid", "up:liquid_delta_t"),
    "site.cooling_power": (
        "air_supply_temp", "ambient_temp", "heat_air", "heat_liquid", "heat_rejection", "it_power", "it_power_avg",
        "parts:cdu.capacity", "parts:cdu.power", "parts:chiller.capacity", "parts:chiller.cop", "parts:chiller.power",
        "parts:cooling_tower.capacity", "parts:cooling_tower.power", "parts:crah.capacity", "parts:crah.power",
        "parts:dry_cooler.capacity", "parts:dry_cooler.power", "parts:hall.cooling_power", "parts:hall.count",
        "parts:hall.heat_air", "parts:hall.heat_liquid", "parts:pump.capacity", "parts:pump.power", "supply_temp",
        "up:air_supply_temp", "up:ambient_temp", "up:heat_rejection", "up:mean_ambient_temp", "up:parts:chiller.cop",
        "up:supply_temp", "up:wet_bulb_temp"),
    "site.cooling_power_avg": (
        "air_supply_temp", "ambient_temp", "heat_air", "heat_liquid", "heat_rejection", "it_power", "it_power_avg",
        "mean_ambient_temp", "parts:cdu.capacity", "parts:cdu.power", "parts:chiller.capacity", "parts:chiller.cop",
        "parts:chiller.power", "parts:cooling_tower.capacity", "parts:cooling_tower.power", "parts:crah.capacity",
        "parts:crah.power", "parts:dry_cooler.capacity", "parts:dry_cooler.power", "parts:hall.cooling_power_avg",
        "parts:hall.count", "parts:hall.heat_air", "parts:hall.heat_liquid", "parts:hall.it_power",
        "parts:hall.it_power_avg", "parts:pump.capacity", "parts:pump.power", "supply_temp", "up:air_supply_temp",
        "up:ambient_temp", "up:heat_rejection", "up:mean_ambient_temp", "up:parts:chiller.cop", "up:supply_temp",
        "up:wet_bulb_temp"),
    "site.cost_per_accelerator_hour": ("accelerators", "tco_year"),
    "site.cost_per_mw": ("capex", "it_power"),
    "site.crahs": (
        "heat_air", "heat_liquid", "it_power", "it_power_avg", "parts:cdu.capacity", "parts:cdu.redundancy",
        "parts:chiller.capacity", "parts:chiller.redundancy", "parts:cooling_tower.capacity",
        "parts:cooling_tower.redundancy", "parts:crah.capacity", "parts:crah.redundancy", "parts:dry_cooler.capacity",
        "parts:dry_cooler.redundancy", "parts:hall.count", "parts:hall.crahs", "parts:hall.heat_air",
        "parts:hall.heat_liquid", "parts:pump.capacity", "parts:pump.redundancy"),
    "site.crahs_outside_halls": _SITE_HEAT_OUTSIDE_HALLS,
    "site.depreciation_facility_year": (
        "capex_depreciable_facility", "parts:finance.depreciation_facility",
        "parts:finance.discount_rate", "up:parts:finance.depreciation_facility", "up:parts:finance.discount_rate"),
    "site.depreciation_it_year": (
        "capex_depreciable_it", "parts:finance.depreciation_it", "parts:finance.discount_rate",
        "up:parts:finance.depreciation_it", "up:parts:finance.discount_rate"),
    "site.depreciation_year": ("depreciation_facility_year", "depreciation_it_year"),
    "site.dry_coolers": (
        "ambient_temp", "heat_air", "heat_liquid", "heat_rejection", "it_power", "it_power_avg", "parts:cdu.capacity",
        "parts:cdu.power", "parts:cdu.redundancy", "parts:chiller.capacity", "parts:chiller.cop", "parts:chiller.power",
        "parts:chiller.redundancy", "parts:cooling_tower.capacity", "parts:cooling_tower.power",
        "parts:cooling_tower.redundancy", "parts:crah.capacity", "parts:crah.power", "parts:crah.redundancy",
        "parts:dry_cooler.capacity", "parts:dry_cooler.power", "parts:dry_cooler.redundancy", "parts:hall.count",
        "parts:hall.dry_coolers", "parts:hall.heat_air", "parts:hall.heat_liquid", "parts:pump.capacity",
        "parts:pump.power", "parts:pump.redundancy", "supply_temp", "up:air_supply_temp", "up:ambient_temp",
        "up:heat_rejection", "up:mean_ambient_temp", "up:parts:cdu.capacity", "up:parts:cdu.redundancy",
        "up:parts:chiller.capacity", "up:parts:chiller.cop", "up:parts:chiller.redundancy",
        "up:parts:cooling_tower.capacity", "up:parts:cooling_tower.redundancy", "up:parts:crah.capacity",
        "up:parts:crah.redundancy", "up:parts:dry_cooler.capacity", "up:parts:dry_cooler.redundancy",
        "up:parts:pump.capacity", "up:parts:pump.redundancy", "up:supply_temp", "up:wet_bulb_temp"),
    "site.energy_year": ("facility_power_metered",),
    "site.facility_power": ("cooling_power", "it_power", "power_chain_loss"),
    "site.facility_power_avg": (
        "all:busway.efficiency", "all:pdu.efficiency", "all:rectifier.efficiency", "all:switchgear.efficiency",
        "all:transformer.efficiency", "all:ups.efficiency", "cooling_power_avg", "distribution", "it_power_avg",
        "parts:busway.efficiency", "parts:hall.count", "parts:hall.distribution", "parts:hall.it_power_avg",
        "parts:pdu.efficiency", "parts:rectifier.efficiency", "parts:switchgear.efficiency",
        "parts:transformer.efficiency", "parts:ups.efficiency", "set:pue", "up:distribution",
        "up:parts:busway.efficiency", "up:parts:pdu.efficiency", "up:parts:rectifier.efficiency",
        "up:parts:switchgear.efficiency", "up:parts:transformer.efficiency", "up:parts:ups.efficiency",
        "parts:hall.cooling_power_avg", "all:row.count", "all:row.it_power_avg"),
    "site.feed_utilization": ("facility_power", "utility_feed"),
    "site.heat_air": ("heat_liquid", "it_power"),
    "site.heat_air_outside_halls": _SITE_HEAT_OUTSIDE_HALLS,
    "site.heat_liquid": (
        "it_power", "parts:hall.count", "parts:hall.heat_liquid", "parts:rack.count", "parts:rack.heat_liquid",
        "parts:row.count", "parts:row.heat_liquid"),
    "site.heat_liquid_outside_halls": _SITE_HEAT_OUTSIDE_HALLS,
    "site.heat_rejected": (
        "air_supply_temp", "ambient_temp", "heat_air", "heat_liquid", "heat_rejection", "it_power", "it_power_avg",
        "parts:cdu.capacity", "parts:cdu.power", "parts:chiller.capacity", "parts:chiller.cop", "parts:chiller.power",
        "parts:cooling_tower.capacity", "parts:cooling_tower.power", "parts:crah.capacity", "parts:crah.power",
        "parts:dry_cooler.capacity", "parts:dry_cooler.power", "parts:hall.count", "parts:hall.heat_air",
        "parts:hall.heat_liquid", "parts:hall.heat_rejected", "parts:pump.capacity", "parts:pump.power", "supply_temp",
        "up:air_supply_temp", "up:ambient_temp", "up:heat_rejection", "up:mean_ambient_temp", "up:parts:chiller.cop",
        "up:supply_temp", "up:wet_bulb_temp"),
    "site.it_power": (
        "parts:hall.count", "parts:hall.it_power", "parts:network.power", "parts:rack.count", "parts:rack.it_power",
        "parts:row.count", "parts:row.it_power"),
    "site.it_power_avg": (
        "parts:hall.count", "parts:hall.it_power_avg", "parts:network.power", "parts:rack.count",
        "parts:rack.it_power_avg", "parts:row.count", "parts:row.it_power_avg"),
    "site.it_power_avg_outside_halls": ("it_power_avg", "parts:hall.count", "parts:hall.it_power_avg"),
    "site.it_power_outside_halls": ("it_power", "parts:hall.count", "parts:hall.it_power"),
    "site.it_power_outside_racks": ("parts:network.power", "parts:row.count", "parts:row.it_power_outside_racks"),
    "site.liquid_chillers_run": (
        "ambient_temp", "heat_liquid", "heat_rejection", "supply_temp", "up:air_supply_temp", "up:ambient_temp", "up:heat_rejection",
        "up:mean_ambient_temp", "up:supply_temp", "up:wet_bulb_temp"),
    "site.liquid_free_cooling_hours": (
        "heat_liquid", "heat_rejection", "mean_ambient_temp", "supply_temp", "up:air_supply_temp", "up:ambient_temp",
        "up:heat_rejection", "up:mean_ambient_temp", "up:supply_temp", "up:wet_bulb_temp"),
    "site.opex": ("opex_energy", "opex_lease", "opex_maintenance", "opex_staff", "opex_water"),
    "site.opex_energy": ("electricity_price", "facility_power_metered", "up:electricity_price"),
    "site.opex_lease": ("colocation_price", "it_power", "up:colocation_price"),
    "site.opex_maintenance": ("capex_maintained",),
    "site.opex_staff": ("it_power", "parts:finance.staff_cost"),
    "site.opex_water": ("up:water_price", "water_year"),
    "site.pdu_loss": _SITE_POWER_STAGE,
    "site.pdu_loss_outside_halls": _SITE_POWER_STAGE_OUTSIDE_HALLS,
    "site.pdu_power_in": _SITE_POWER_STAGE,
    "site.pdu_power_in_outside_halls": _SITE_POWER_STAGE_OUTSIDE_HALLS,
    "site.pdu_stage_efficiency": _SITE_POWER_STAGE,
    "site.pdu_stage_efficiency_outside_halls": _SITE_POWER_STAGE_OUTSIDE_HALLS,
    "site.power_accelerators": (
        "parts:hall.count", "parts:hall.power_accelerators", "parts:rack.count", "parts:rack.power_accelerators",
        "parts:row.count", "parts:row.power_accelerators"),
    "site.power_chain_efficiency": _SITE_POWER_STAGE_IT,
    "site.power_chain_loss": (
        "distribution", "it_power", "parts:busway.efficiency", "parts:hall.count", "parts:hall.it_power",
        "parts:hall.power_chain_loss", "parts:pdu.efficiency", "parts:rectifier.efficiency",
        "parts:switchgear.efficiency", "parts:transformer.efficiency", "parts:ups.efficiency", "up:distribution",
        "up:parts:busway.efficiency", "up:parts:pdu.efficiency", "up:parts:rectifier.efficiency",
        "up:parts:switchgear.efficiency", "up:parts:transformer.efficiency", "up:parts:ups.efficiency",
        "cooling_power", "parts:hall.cooling_power", "all:row.count", "all:row.it_power", "all:busway.efficiency",
        "all:pdu.efficiency", "all:rectifier.efficiency"),
    "site.power_cpus": (
        "parts:hall.count", "parts:hall.power_cpus", "parts:rack.count", "parts:rack.power_cpus", "parts:row.count",
        "parts:row.power_cpus"),
    "site.power_memory": (
        "parts:hall.count", "parts:hall.power_memory", "parts:rack.count", "parts:rack.power_memory", "parts:row.count",
        "parts:row.power_memory"),
    "site.power_network": (
        "parts:hall.count", "parts:hall.power_network", "parts:network.power", "parts:rack.count",
        "parts:rack.power_network", "parts:row.count", "parts:row.power_network"),
    "site.power_overhead": ("it_power", "power_accelerators", "power_cpus", "power_memory", "power_network"),
    "site.pue": ("facility_power_avg", "it_power_avg"),
    "site.rectifier_loss": _SITE_POWER_STAGE,
    "site.rectifier_loss_outside_halls": _SITE_POWER_STAGE_OUTSIDE_HALLS,
    "site.rectifier_power_in": _SITE_POWER_STAGE,
    "site.rectifier_power_in_outside_halls": _SITE_POWER_STAGE_OUTSIDE_HALLS,
    "site.rectifier_stage_efficiency": _SITE_POWER_STAGE,
    "site.rectifier_stage_efficiency_outside_halls": _SITE_POWER_STAGE_OUTSIDE_HALLS,
    "site.switchgear_loss": _SITE_POWER_STAGE,
    "site.switchgear_loss_outside_halls": _SITE_POWER_STAGE,
    "site.switchgear_power_in": _SITE_POWER_STAGE,
    "site.switchgear_power_in_outside_halls": _SITE_POWER_STAGE,
    "site.switchgear_stage_efficiency": _SITE_POWER_STAGE,
    "site.switchgear_stage_efficiency_outside_halls": _SITE_POWER_STAGE,
    "site.tco_year": ("depreciation_year", "land_capital_year", "opex"),
    "site.time_to_train": ("parts:training.time_to_train",),
    "site.tokens_per_joule": ("parts:inference.offered_share", "parts:inference.power", "parts:inference.tokens_per_s"),
    "site.served_tokens_per_s": ("parts:inference.served_tokens_per_s",),
    "site.tokens_per_s": ("parts:inference.tokens_per_s",),
    "site.transformer_loss": _SITE_POWER_STAGE,
    "site.transformer_loss_outside_halls": _SITE_POWER_STAGE_OUTSIDE_HALLS,
    "site.transformer_power_in": _SITE_POWER_STAGE,
    "site.transformer_power_in_outside_halls": _SITE_POWER_STAGE_OUTSIDE_HALLS,
    "site.transformer_stage_efficiency": _SITE_POWER_STAGE,
    "site.transformer_stage_efficiency_outside_halls": _SITE_POWER_STAGE_OUTSIDE_HALLS,
    "site.ups_loss": _SITE_POWER_STAGE,
    "site.ups_loss_outside_halls": _SITE_POWER_STAGE_OUTSIDE_HALLS,
    "site.ups_power_in": _SITE_POWER_STAGE,
    "site.ups_power_in_outside_halls": _SITE_POWER_STAGE_OUTSIDE_HALLS,
    "site.ups_stage_efficiency": _SITE_POWER_STAGE,
    "site.ups_stage_efficiency_outside_halls": _SITE_POWER_STAGE_OUTSIDE_HALLS,
    "site.usd_per_mtok": ("parts:inference.served_tokens_per_s", "parts:inference.usd_per_mtok"),
    "site.water_year": (
        "air_supply_temp", "heat_air", "heat_liquid", "heat_rejection", "it_power", "it_power_avg", "mean_ambient_temp",
        "parts:hall.count", "parts:hall.heat_air", "parts:hall.heat_liquid", "parts:hall.it_power",
        "parts:hall.it_power_avg", "parts:hall.water_year", "up:air_supply_temp", "up:ambient_temp",
        "up:heat_rejection", "up:mean_ambient_temp", "up:supply_temp", "up:wet_bulb_temp",
        "parts:cooling_tower.capacity", "parts:cooling_tower.count", "parts:cooling_tower.water_use"),
    # --- storage
    "storage.quantity": ("count", "up:count"),
    "storage.total_power": ("power", "quantity"),
    "storage.total_price": ("price", "quantity"),
    # --- switch
    "switch.quantity": ("count", "up:count"),
    "switch.total_power": ("power", "quantity"),
    "switch.total_price": ("price", "quantity"),
    # --- switchgear
    "switchgear.units_needed": _POWER_GEAR_UNITS_NEEDED + ("up:cooling_power",),   # it feeds the cooling plant too
    "switchgear.utilization": _POWER_GEAR_UTILIZATION + ("up:cooling_power",),
    # --- training
    "training.accelerator_hours": _TRAINING_OUTPUT + ("time_to_train", "set:gpu_hours"),
    "training.accelerator_power": _TRAINING_SOLVE + _IDLE + (
        "compute_bound_share",
        "chip", "compute_utilization", "let:inference_gemm_efficiency", "let:tp_comm_overlap", "memory_utilization",
        "mfu", "ref:chip.bf16", "ref:chip.fp8", "ref:chip.idle_power", "ref:chip.let:full_clock_power",
        "ref:chip.let:serving_efficiency", "ref:chip.memory", "ref:chip.memory_bw", "ref:chip.scaleup_bw",
        "ref:chip.tdp", "ref:rack.all:chip.let:serving_efficiency_fp4", "ref:rack.all:chip.memory_bw",
        "ref:rack.all:cpu.let:serving_efficiency_fp4", "ref:rack.all:dpu.let:serving_efficiency_fp4",
        "ref:rack.all:memory.let:serving_efficiency_fp4", "ref:rack.all:nic.let:serving_efficiency_fp4",
        "ref:rack.all:server.let:serving_efficiency_fp4", "ref:rack.all:storage.let:serving_efficiency_fp4",
        "ref:rack.all:switch.let:serving_efficiency_fp4", "ref:system.parts:chip.bf16", "ref:system.parts:chip.fp4",
        "ref:system.parts:chip.int8", "ref:system.parts:*.let:bf16_sparse", "ref:system.parts:*.let:full_clock_power",
        "ref:system.parts:*.let:serving_efficiency", "ref:system.parts:*.let:serving_efficiency_fp4",
        "ref:system.parts:chip.memory_bw", "ref:system.parts:chip.sram", "scaleout_bw", "set:cp", "set:ep",
        "set:microbatch", "set:pp", "set:tp", "set:virtual_stages", "step_time",),
    "training.accelerators_held": _TRAINING_OUTPUT,
    "training.accelerators_needed": _TRAINING_OUTPUT + _TRAINING_THROUGHPUT + ("set:goodput",),
    "training.compute_bound_share": _TRAINING_SOLVE + _IDLE + (
        "chip", "let:tp_comm_overlap", "mfu", "ref:chip.fp8", "ref:chip.idle_power", "ref:chip.memory",
        "ref:chip.scaleup_bw", "ref:chip.tdp", "ref:system.parts:chip.bf16", "scaleout_bw", "set:cp", "set:ep",
        "set:microbatch", "set:pp", "set:tp", "set:virtual_stages", "step_time",),
    "training.compute_utilization": _TRAINING_UTILIZATION,
    "training.cost": _TRAINING_SOLVE + _ACCELERATOR_COST + _SYSTEM_POWER_AT + _IDLE + _TYPE_HOUR + (
        "accelerator_cost", "accelerator_hours", "set:energy", "set:gpu_hours", "checkpoint_time", "chip", "eval_tokens", "let:tp_comm_overlap",
        "pp_schedule", "ref:chip.fp8", "ref:chip.idle_power", "ref:chip.memory", "ref:chip.power", "ref:chip.price",
        "ref:chip.scaleup_bw", "ref:chip.tdp", "ref:rack.capex_it", "ref:rack.it_power_avg", "ref:system.capex_it",
        "power", "ref:system.parts:chip.bf16", "ref:system.power", "restart_time", "scaleout_bw", "set:cp", "set:ep",
        "set:microbatch", "set:pp", "set:tp", "set:virtual_stages", "up:accelerators", "up:cost_per_accelerator_hour",
        "up:parts:finance.depreciation_it", "up:parts:finance.discount_rate",),
    "training.cp": _TRAINING_SOLVE + (
        "checkpoint_time", "chip", "eval_tokens", "pp_schedule", "ref:chip.fp8", "ref:chip.idle_power",
        "ref:chip.memory", "ref:chip.scaleup_bw", "ref:chip.tdp", "restart_time", "scaleout_bw", "set:ep", "set:pp",
        "set:tp",),
    "training.dp": _TRAINING_OUTPUT,
    "training.idle_accelerators": _TRAINING_OUTPUT,
    "training.energy": _TRAINING_SOLVE + (
        "checkpoint_time", "chip", "eval_tokens", "let:tp_comm_overlap", "power", "pp_schedule", "ref:chip.fp8",
        "ref:chip.idle_power", "ref:chip.memory", "ref:chip.scaleup_bw", "ref:chip.tdp", "ref:system.parts:chip.bf16",
        "restart_time", "scaleout_bw", "set:cp", "set:ep", "set:microbatch", "set:pp", "set:tp", "set:virtual_stages",
        "time_to_train",),
    "training.ep": _TRAINING_SOLVE + (
        "checkpoint_time", "chip", "eval_tokens", "let:tp_comm_overlap", "pp_schedule", "ref:chip.fp8",
        "ref:chip.idle_power", "ref:chip.memory", "ref:chip.scaleup_bw", "ref:chip.tdp", "ref:system.parts:chip.bf16",
        "restart_time", "scaleout_bw", "set:cp", "set:microbatch", "set:pp", "set:tp", "set:virtual_stages",),
    "training.feasible": _TRAINING_OUTPUT,
    "training.flops_per_token": _TRAINING_OUTPUT,
    "training.goodput": _TRAINING_OUTPUT + _TRAINING_THROUGHPUT + ("step_time", "tokens"),
    "training.gpu_hours": _TRAINING_OUTPUT + ("time_to_train", "set:accelerator_hours"),
    "training.memory_per_accelerator": _TRAINING_OUTPUT,
    "training.memory_utilization": _TRAINING_UTILIZATION,
    "training.mfu": _TRAINING_OUTPUT + _TRAINING_THROUGHPUT + ("step_time",),
    "training.microbatch": _TRAINING_LAYOUT,
    "training.power": _TRAINING_SOLVE + _SYSTEM_POWER_AT + _IDLE + (
        "accelerator_power", "checkpoint_time", "chip", "eval_tokens", "let:tp_comm_overlap", "pp_schedule",
        "ref:chip.fp8", "ref:chip.idle_power", "ref:chip.memory", "ref:chip.scaleup_bw", "ref:chip.tdp",
        "ref:system.parts:chip.bf16", "restart_time", "scaleout_bw", "set:cp", "set:ep", "set:microbatch", "set:pp",
        "set:tp", "set:virtual_stages", "system_power",),
    "training.pp": _TRAINING_SOLVE + (
        "checkpoint_time", "chip", "eval_tokens", "pp_schedule", "ref:chip.fp8", "ref:chip.idle_power",
        "ref:chip.memory", "ref:chip.scaleup_bw", "ref:chip.tdp", "restart_time", "scaleout_bw", "set:ep", "set:tp",),
    "training.recompute_share": _TRAINING_OUTPUT,
    "training.step_time": _TRAINING_OUTPUT + _TRAINING_THROUGHPUT,
    "training.sustained_clock": _TRAINING_SOLVE + (
        "chip", "compute_utilization", "let:inference_gemm_efficiency", "let:tp_comm_overlap", "memory_utilization",
        "ref:chip.bf16", "ref:chip.fp8", "ref:chip.idle_power", "ref:chip.let:full_clock_power",
        "ref:chip.let:serving_efficiency", "ref:chip.memory", "ref:chip.memory_bw", "ref:chip.scaleup_bw",
        "ref:chip.tdp", "ref:rack.all:chip.let:serving_efficiency_fp4", "ref:rack.all:chip.memory_bw",
        "ref:rack.all:cpu.let:serving_efficiency_fp4", "ref:rack.all:dpu.let:serving_efficiency_fp4",
        "ref:rack.all:memory.let:serving_efficiency_fp4", "ref:rack.all:nic.let:serving_efficiency_fp4",
        "ref:rack.all:server.let:serving_efficiency_fp4", "ref:rack.all:storage.let:serving_efficiency_fp4",
        "ref:rack.all:switch.let:serving_efficiency_fp4", "ref:system.parts:chip.bf16", "ref:system.parts:chip.fp4",
        "ref:system.parts:chip.int8", "ref:system.parts:*.let:bf16_sparse", "ref:system.parts:*.let:full_clock_power",
        "ref:system.parts:*.let:serving_efficiency", "ref:system.parts:*.let:serving_efficiency_fp4",
        "ref:system.parts:chip.memory_bw", "ref:system.parts:chip.sram", "scaleout_bw", "set:cp", "set:ep",
        "set:microbatch", "set:pp", "set:tp", "set:virtual_stages",),
    "training.system_power": _TRAINING_SOLVE + _RACK_SERVER_COOLING + (
        "accelerator_power", "let:tp_comm_overlap", "ref:rack.all:chip.let:serving_efficiency_fp4",
        "ref:rack.all:chip.memory_bw", "ref:rack.all:chip.peak_power", "ref:rack.all:chip.power",
        "ref:rack.all:cpu.let:serving_efficiency_fp4", "ref:rack.all:cpu.peak_power", "ref:rack.all:cpu.power",
        "ref:rack.all:dpu.let:serving_efficiency_fp4", "ref:rack.all:dpu.power",
        "ref:rack.all:memory.let:serving_efficiency_fp4", "ref:rack.all:memory.power",
        "ref:rack.all:nic.let:serving_efficiency_fp4", "ref:rack.all:nic.power",
        "ref:rack.all:server.let:serving_efficiency_fp4", "ref:rack.all:server.peak_power", "ref:rack.all:server.power",
        "ref:rack.all:storage.let:serving_efficiency_fp4", "ref:rack.all:storage.power",
        "ref:rack.all:switch.let:serving_efficiency_fp4", "ref:rack.all:switch.power", "ref:rack.parts:chip.count",
        "ref:rack.parts:chip.power", "ref:rack.parts:dpu.count", "ref:rack.parts:dpu.power", "ref:rack.parts:nic.count",
        "ref:rack.parts:nic.power", "ref:rack.parts:power_shelf.efficiency", "ref:rack.parts:server.count",
        "ref:rack.parts:server.overhead_power", "ref:rack.parts:server.power", "ref:rack.parts:server.idle_power", "ref:rack.parts:server.psu_efficiency",
        "ref:rack.parts:storage.count", "ref:rack.parts:storage.power", "ref:rack.parts:switch.count",
        "ref:rack.parts:switch.power", "ref:system.cooling", "ref:system.overhead_power", "ref:system.parts:chip.bf16",
        "ref:system.parts:chip.fp4", "ref:system.parts:chip.int8", "ref:system.parts:*.let:bf16_sparse",
        "ref:system.parts:*.let:full_clock_power", "ref:system.parts:*.let:serving_efficiency",
        "ref:system.parts:*.let:serving_efficiency_fp4", "ref:system.parts:chip.memory_bw",
        "ref:system.parts:chip.peak_power", "ref:system.parts:*.power", "ref:system.parts:chip.sram",
        "ref:system.parts:cpu.peak_power", "ref:system.idle_power", "ref:system.psu_efficiency", "scaleout_bw", "set:cp", "set:ep",
        "set:microbatch", "set:pp", "set:tp", "set:virtual_stages",),
    "training.system_power_dc": _TRAINING_SOLVE + _RACK_SERVER_COOLING + (
        "set:system_power",
        "accelerator_power", "let:tp_comm_overlap", "ref:rack.all:chip.let:serving_efficiency_fp4",
        "ref:rack.all:chip.memory_bw", "ref:rack.all:chip.peak_power", "ref:rack.all:chip.power",
        "ref:rack.all:cpu.let:serving_efficiency_fp4", "ref:rack.all:cpu.peak_power", "ref:rack.all:cpu.power",
        "ref:rack.all:dpu.let:serving_efficiency_fp4", "ref:rack.all:dpu.power",
        "ref:rack.all:memory.let:serving_efficiency_fp4", "ref:rack.all:memory.power",
        "ref:rack.all:nic.let:serving_efficiency_fp4", "ref:rack.all:nic.power",
        "ref:rack.all:server.let:serving_efficiency_fp4", "ref:rack.all:server.peak_power", "ref:rack.all:server.power",
        "ref:rack.all:storage.let:serving_efficiency_fp4", "ref:rack.all:storage.power",
        "ref:rack.all:switch.let:serving_efficiency_fp4", "ref:rack.all:switch.power", "ref:rack.parts:chip.count",
        "ref:rack.parts:chip.power", "ref:rack.parts:dpu.count", "ref:rack.parts:dpu.power", "ref:rack.parts:nic.count",
        "ref:rack.parts:nic.power", "ref:rack.parts:server.count", "ref:rack.parts:server.overhead_power",
        "ref:rack.parts:server.power", "ref:rack.parts:server.idle_power", "ref:rack.parts:server.psu_efficiency", "ref:rack.parts:storage.count",
        "ref:rack.parts:storage.power", "ref:rack.parts:switch.count", "ref:rack.parts:switch.power",
        "ref:system.cooling", "ref:system.overhead_power", "ref:system.parts:chip.bf16", "ref:system.parts:chip.fp4",
        "ref:system.parts:chip.int8", "ref:system.parts:*.let:bf16_sparse", "ref:system.parts:*.let:full_clock_power",
        "ref:system.parts:*.let:serving_efficiency", "ref:system.parts:*.let:serving_efficiency_fp4",
        "ref:system.parts:chip.memory_bw", "ref:system.parts:chip.peak_power", "ref:system.parts:*.power",
        "ref:system.parts:chip.sram", "ref:system.parts:cpu.peak_power", "ref:system.idle_power", "ref:system.psu_efficiency", "scaleout_bw",
        "set:cp", "set:ep", "set:microbatch", "set:pp", "set:tp", "set:virtual_stages",),
    "training.time_to_train": _TRAINING_OUTPUT + _TRAINING_THROUGHPUT + ("step_time", "goodput", "tokens"),
    "training.tokens_per_s": _TRAINING_OUTPUT + _TRAINING_THROUGHPUT + ("step_time",),
    "training.tp": _TRAINING_SOLVE + (
        "checkpoint_time", "chip", "eval_tokens", "pp_schedule", "ref:chip.fp8", "ref:chip.memory",
        "ref:chip.scaleup_bw", "ref:chip.tdp", "restart_time", "set:ep", "set:pp",),
    "training.virtual_stages": _TRAINING_LAYOUT,
    # --- power_shelf (placed in a rack: sized on the power of the rack's parts, facility.local_gear_load)
    "power_shelf.units_needed": _SHELF_LOAD + ("capacity", "redundancy"),
    "power_shelf.utilization": _SHELF_LOAD + ("capacity", "count", "up:parts:power_shelf.capacity",
                                              "up:parts:power_shelf.count"),
    # --- transceiver
    "transceiver.quantity": ("count", "up:count"),
    "transceiver.total_power": ("power", "quantity"),
    "transceiver.total_price": ("price", "quantity"),
    # --- transformer
    "transformer.units_needed": _POWER_GEAR_UNITS_NEEDED,
    "transformer.utilization": _POWER_GEAR_UTILIZATION,
    # --- ups
    "ups.units_needed": _POWER_GEAR_UNITS_NEEDED,
    "ups.utilization": _POWER_GEAR_UTILIZATION,
}
# s13-facility2: every output built on the cooling streams (facility.stream_cooling: those that read the block's
# CDUs' rated power) reads the rows' own CDUs and CRAHs with a rated power, which set the pumps / fans of their heat
_ROW_MOVERS = ("all:row.count", "all:row.heat_liquid", "all:row.heat_air", "all:cdu.capacity", "all:cdu.power",
               "all:crah.capacity", "all:crah.power")
READS = {key: reads + _ROW_MOVERS if "parts:cdu.power" in reads and key.startswith(("hall.", "site.")) else reads
         for key, reads in READS.items()}
# and the average power of the chain reads its peak flows: each stage's fixed (no-load) loss is a share of its loss
# at the peak (facility._own_stages)
_FIXED_LOSS = ("it_power", "cooling_power", "all:row.it_power", "let:transformer_fixed_loss_share",
               "let:ups_fixed_loss_share", "let:rectifier_fixed_loss_share", "let:pdu_fixed_loss_share")
for _key in ("hall.facility_power_avg", "site.facility_power_avg"):
    READS[_key] = READS[_key] + _FIXED_LOSS + (("parts:hall.it_power", "parts:hall.cooling_power")
                                               if _key.startswith("site.") else tuple(   # the site's gear: its halls'
        f"up:parts:hall.{read}" for read in ("all:row.count", "all:row.it_power", "all:rack.count", "all:rack.it_power",
                                             "all:busway.efficiency", "all:pdu.efficiency", "all:rectifier.efficiency",
                                             "all:switchgear.efficiency", "all:transformer.efficiency",
                                             "all:ups.efficiency")))
# s19-redund: the fixed loss of placed gear is that of the capacity placed (facility._energized_ratio): the gear's
# units and capacity, wherever placed, over the peak load it carries (as its utilization reads it: a site's gear
# carries its halls' flows, a row's or rack's the IT there)
_ENERGIZED = tuple(f"{where}{kind}.{member}" for where in ("all:", "up:parts:")
                   for kind in ("transformer", "switchgear", "ups", "rectifier", "pdu", "busway")
                   for member in ("capacity", "count")) + tuple(
    read for read in _POWER_GEAR_UTILIZATION if read.startswith("up:") and not read.startswith("up:all:")) + (
    "all:rack.count", "all:rack.it_power", "all:busway.efficiency", "all:pdu.efficiency", "all:rectifier.efficiency", "all:switchgear.efficiency",
    "all:transformer.efficiency", "all:ups.efficiency")
for _key in ("hall.facility_power_avg", "site.facility_power_avg"):
    READS[_key] = READS[_key] + _ENERGIZED + (("parts:hall.count", "parts:hall.it_power", "parts:hall.cooling_power")
                                              if _key.startswith("site.") else tuple(   # the site's gear: its halls'
        f"up:parts:hall.{read}" for read in ("all:row.count", "all:row.it_power", "all:rack.count", "all:rack.it_power",
                                             "all:busway.efficiency", "all:pdu.efficiency", "all:rectifier.efficiency",
                                             "all:switchgear.efficiency", "all:transformer.efficiency",
                                             "all:ups.efficiency")))
# s21-power: the peak walks the units' curve too where it is above the rated loss (facility._placed_loss, r of each
# placement) and each placement's load stops at its own stage (facility.gear_load): every output built on the peak
# chain reads what the average's energized ratio reads
_PEAK_CHAIN = tuple(key for key in READS if key.split(".")[0] in ("hall", "site") and (
    key.split(".")[1].startswith("power_chain_") or key.split(".")[1].replace("_outside_halls", "").endswith(
        ("_loss", "_power_in", "_stage_efficiency")))) + tuple(
    f"{gear}.{what}" for gear in ("transformer", "switchgear", "ups", "rectifier", "pdu", "busway")
    for what in ("units_needed", "utilization"))
_SHARES_LET = tuple(read for read in _FIXED_LOSS if read.startswith("let:"))
_SITE_HALLS = ("parts:hall.count", "parts:hall.it_power", "parts:hall.cooling_power")
_HALL_SITE = tuple(f"up:parts:hall.{read}" for read in (
    "all:row.count", "all:row.it_power", "all:rack.count", "all:rack.it_power", "all:busway.efficiency",
    "all:pdu.efficiency", "all:rectifier.efficiency", "all:switchgear.efficiency", "all:transformer.efficiency",
    "all:ups.efficiency")) + tuple(f"up:{read}" for read in _ENERGIZED if read.startswith("all:")) + tuple(
    f"up:parts:hall.{read}" for read in _ENERGIZED if read.startswith("all:")) + ("up:parts:hall.count",)
for _key in _PEAK_CHAIN + ("hall.facility_power_avg", "site.facility_power_avg"):
    _block = _key.startswith(("hall.", "site."))
    _more = _ENERGIZED + _SHARES_LET + _HALL_SITE + (_SITE_HALLS if _key.startswith("site.") else tuple(
        f"up:{read}" for read in _SITE_HALLS))
    if not _key.startswith("generator."):      # a chain stage's load is the power out of its stage, not the
        READS[_key] = tuple(read for read in READS[_key] if read != "up:facility_power")   # facility's (generators')
    _own = (f"up:parts:{_key.split('.')[0]}.count", f"up:all:{_key.split('.')[0]}.count") \
        if _key.endswith(".units_needed") else ()       # a placement's load stops at its own stage (gear_load)
    READS[_key] = READS[_key] + tuple(dict.fromkeys(
        read if _block or read.startswith("up:") else f"up:{read}" for read in _more
        if read != "up:facility_power" and (read if _block or read.startswith("up:") else f"up:{read}") not in _own))
# s22-power: a site's gear that its halls share carries all their flows at once (facility._shared_fraction): a hall's
# average walks its sibling halls' and its site's own average IT and cooling flows to find the units' load fraction
READS["hall.facility_power_avg"] = READS["hall.facility_power_avg"] + tuple(
    read for read in ("up:it_power_avg", "up:cooling_power_avg", "up:parts:hall.it_power_avg",
                      "up:parts:hall.cooling_power_avg", "up:all:row.it_power_avg", "up:all:rack.it_power_avg")
    if read not in READS["hall.facility_power_avg"])
# s19-energy: a hall under a site that sets `pue` takes that pue (facility.set_pue), in its average and its slope
for _key in [key for key, reads in READS.items() if key.startswith("hall.") and "set:pue" in reads]:
    READS[_key] = READS[_key] + ("parent.set:pue",)
# ... and a site takes the facility power of a hall that sets its own `pue` (facility._facility_avg)
READS["site.facility_power_avg"] = READS["site.facility_power_avg"] + ("parts:hall.set:pue",
                                                                       "parts:hall.facility_power_avg")
# every output that walks the chain per row (reads the rows' IT) walks it per rack too: a rack's own PDU is a stage
# after the chain of its row or block (facility._rack_pdus)
_RACK_PDU = ("all:rack.count", "all:rack.it_power", "all:rack.it_power_avg", "all:pdu.efficiency")
READS = {key: reads + _RACK_PDU if ("all:row.it_power" in reads or "all:row.it_power_avg" in reads) else reads
         for key, reads in READS.items()}
# s14-tco: the site's energy bills its inference services' accelerators at their own duty cycles
# (cost.facility_power_metered): the average chain walked again with no load (facility.no_load_loss, as
# facility_power_avg reads it), the services' mean draw and the accelerators they hold, and each chip type's
# systems (cost._chip_types, as a workload's site hour reads them, from the site itself)
_SERVICE_DRAWS = ("parts:inference.count", "parts:inference.power_avg", "parts:inference.accelerators_held") + tuple(
    f"parts:inference.{read}" for read in ("rack", "system", "chip", "ref:rack.accelerators", "ref:system.accelerators",
                                           "ref:rack.all:chip.count", "ref:system.parts:chip.count"))   # its chip type
_SITE_TYPES = tuple(read.removeprefix("up:") for read in _TYPE_HOUR if read.startswith("up:all:")
                    and read not in ("up:all:model.count", "up:all:site.count")    # what a site cannot hold
                    and not read.endswith((".capex_it", ".price")))  # service_draws reads no price (s15-scale)
# s19-energy: the accelerators no workload holds draw power.spare_draw (cost.service_draws): the training runs' holds
# (and their chip types), the site's `let spare_utilization`, and what power.system_power_at reads of every server
# and rack the site places, at any depth, with their chips at that draw
_SPARES = ("parts:training.count", "parts:training.accelerators_held") + tuple(
    f"parts:training.{read}" for read in ("rack", "system", "chip", "ref:rack.accelerators", "ref:system.accelerators",
                                          "ref:rack.all:chip.count", "ref:system.parts:chip.count")) + (
    "let:spare_utilization", "all:chip.tdp", "all:chip.set:idle_power", "all:chip.idle_power",
    "all:chip.let:idle_fraction", "all:server.cooling", "all:server.overhead_power", "all:server.set:overhead_power",
    "all:server.let:overhead_fraction", "all:server.set:idle_power", "all:server.idle_power",
    "all:server.psu_efficiency", "all:power_shelf.efficiency") + tuple(
    f"all:{kind}.peak_power" for kind in ("chip", "cpu", "server")) + tuple(
    f"all:{kind}.power" for kind in ("cpu", "server", "memory", "storage", "nic", "dpu", "switch", "transceiver",
                                     "cable", "network"))
READS["site.facility_power_metered"] = READS["site.facility_power_avg"] + _SERVICE_DRAWS + _SPARES + _SITE_TYPES + (
    "facility_power_avg", "it_power_avg", "set:pue", "parts:hall.facility_power_avg", "parts:hall.it_power_avg",
    "parts:hall.set:pue") + tuple(
    # each hall's own slope (cost.metered_changes: facility.facility_slope and no_load_loss of the hall)
    f"parts:hall.{read}" for read in READS["hall.facility_power_avg"] if not read.startswith("up:"))
# a hall carries its site's service draws where their chip types sit (cost.hall_power_metered): its share of its
# site's solve, which reads every hall of the site, held once (models.solved_through: the hall records the solve's
# key, `Graph.solves`). Declared as its site's metered draw, which declares every read of that solve: bound before
# the hall's figure, without each hall binding them again (s23-scale: ~n^2 bound edges for n halls before; the
# hall does not read the site's figure itself, s24-scale, tests/test_model_reads.py checks the solve's reads)
READS["hall.facility_power_metered"] = ("facility_power_avg", "parent.facility_power_metered")
# s19-energy2: the IT power as the bill meters it (cost.it_power_metered: the services' draws where their chip types
# sit, as the metered facility power reads them), and the PUE and the water that follow it (facility._metered_share)
READS["site.it_power_metered"] = READS["site.facility_power_metered"]
READS["hall.it_power_metered"] = ("it_power_avg", "parent.it_power_metered")
READS["site.it_power_metered_outside_halls"] = ("it_power_metered", "parts:hall.count", "parts:hall.it_power_metered")
for _kind in ("hall", "site"):
    READS[f"{_kind}.pue"] = ("facility_power_metered", "it_power_metered")
    READS[f"{_kind}.water_year"] = READS[f"{_kind}.water_year"] + ("it_power_metered",) + (
        ("parts:hall.it_power_metered",) if _kind == "site" else ())
# ... and every workload priced at its site's hour swaps its type's energy share for its own draw
# (cost.service_accelerator_hour): the site's services' draws, and its hour where it places one chip type
for _key in ("inference.usd_per_mtok", "training.cost"):
    READS[_key] = READS[_key] + tuple(f"up:{read}" for read in _SERVICE_DRAWS + _SPARES) + (
        "up:cost_per_accelerator_hour",)
# the site's own chillers and dry coolers (the heat outside its halls) read what the site's totals read
for _name in ("chillers", "dry_coolers"):
    READS[f"site.{_name}_outside_halls"] = READS[f"site.{_name}"]
# s19-energy: a site's chillers and dry coolers are one plant, sized on its own load and each hall's
# (facility._plant_load walks stream_cooling on each hall): what the hall's own count reads, on the hall
def _on_hall(read: str) -> bool:
    """Whether an `up:` read of a hall's names something the hall itself can hold (a field, or a part's)."""
    head = read.removeprefix("up:").split(".")[0]
    if head.startswith("parts:"):
        return head.removeprefix("parts:") in _schema_kinds()["hall"].contains
    return head in _schema_kinds()["hall"].fields


for _name in ("chillers", "dry_coolers"):
    READS[f"site.{_name}"] = READS[f"site.{_name}"] + tuple(
        f"parts:hall.{read.removeprefix('up:')}" for read in READS[f"hall.{_name}"]
        if not read.startswith("up:") or _on_hall(read)) + tuple(
        read for read in READS[f"hall.{_name}"] if read.startswith("up:"))
# economizer coils (facility.economizer_heat: the loops' heat, less what needs compressors) read what the chillers
# and the dry coolers read, but for the halls' counts (a site sizes its plant on each hall's heat, not its count)
for _kind in ("hall", "site"):
    READS[f"{_kind}.economizer_coils"] = tuple(sorted(
        (set(READS[f"{_kind}.chillers"]) | set(READS[f"{_kind}.dry_coolers"]))
        - {"parts:hall.chillers", "parts:hall.dry_coolers"}))
# the heat the chillers are sized on (facility.chiller_load) is what their count reads
for _kind in ("hall", "site"):
    READS[f"{_kind}.chiller_load"] = READS[f"{_kind}.chillers"]
# the plant figures read each placed plant part's `installed` beside its price (cost.markup, s16-capex: a price
# already installed is taken as written, not x the installation factor); a rack's own price and its power
# shelves' are not plant prices
_PLANT_KINDS = ("transformer", "switchgear", "ups", "generator", "rectifier", "pdu", "busway", "cdu", "crah",
                "chiller", "dry_cooler", "cooling_tower", "pump")
for _key in ("hall.capex_power", "hall.capex_cooling", "site.capex_power", "site.capex_cooling"):
    READS[_key] = READS[_key] + tuple(read[:-len(".price")] + ".installed" for read in READS[_key]
                                      if read.endswith(".price") and read.split(":")[-1].split(".")[0] in _PLANT_KINDS)
# a share of a block's total (compiler.models.shares, dsl/schema.py SHARES: the report's share columns, the cooling
# view's split of the IT heat) reads the part and the total, both of the block itself
for _kind, _groups in _SHARES.items():
    for _total, _, _parts in _groups:
        for _part in _parts:
            READS[f"{_kind}.{_part}_share"] = (_part, _total)
# a network fabric over all its placements (compiler.models.totals): its quantity, and its figures times it
READS["network.quantity"] = ("count", "up:count")
READS["network.total_power"] = ("power", "quantity")
for _name in ("switches", "transceivers", "nics_counted", "capex_switching", "capex_transceivers", "capex_cables",
              "capex_nics"):
    READS[f"network.total_{_name}"] = (_name, "quantity")
READS["network.total_cables"] = ("cables_copper", "cables_active", "cables_optical", "quantity")
READS["network.total_switch_power"] = ("switch", "ref:switch.power", "total_switches")
READS["network.total_transceiver_power"] = ("transceiver", "ref:transceiver.power", "total_transceivers")
READS["network.total_nic_power"] = ("nic", "ref:nic.power", "total_nics_counted")
# an entry is a set of reads: in one canonical (sorted) order, whatever the shared tuples' order
READS = {key: tuple(sorted(set(reads))) for key, reads in READS.items()}
