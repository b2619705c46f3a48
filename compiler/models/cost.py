"""Cost model: capex by category, depreciation, opex, TCO per year, cost per accelerator-hour and per MW.

Pipeline position: registered model of `compiler.models`; imports numpy and the registry only.

Formulas:

    server.capex_it     = price, else sum(count * part.price) of its chips, CPUs, memory and drives
                          (NICs, DPUs and switches inside count as network, optics as optics)
    rack.capex_it       = price when the rack is priced as a whole system, else servers and chips inside
    capex_network/optics: switches, NICs, DPUs / transceivers and cables outside priced systems (the
                          transceivers inside a switch too: a server's in its capex_network, it has no optics)
    hall/site: plant cost per W: plant_cost, else build_cost_per_watt * critical_share; of it
               cooling_share_of_plant is cooling, the rest electrical. Per class of gear:
      class cost     = sum(units * price * markup) of the gear of the class placed on the block, markup = the
                       installation factor, or 1 for a part whose price is installed (`installed = true`, s16-capex)
                       (units sized by the thermal model for CDUs, CRAHs, chillers and dry coolers placed
                       without a count), else 0 when an ancestor places the class (it is priced there), else
                       its estimate: own duty * plant cost per W * category share * class share / reference heat
                       share * sized (the duty the models size that gear for: IT, the CDUs' liquid heat, the
                       CRAHs' air heat, the chillers' heat that needs compressors, the heat rejection's heat that
                       its gear rejects; `sized` prices the part the chain runs and its whole units: s24-capex and
                       s24-capex2 notes below)
      installation   : installation factor = plant cost per W of the category x (1 - the shares of its
                       installed-priced classes) / the equipment per W its equipment-priced classes were priced on
                       (plant_equipment_power 1.0975 $/W, plant_equipment_cooling 0.6665 $/W), at least 1: power
                       3.7206 x (1 - 0.2037) / 1.0975 = (3.7206 - 0.7579) / 1.0975 = 2.6995, cooling 2.4804 /
                       0.6665 = 3.7213 by default (s18-prices note below). A `price` is the equipment's; the estimate is installed (the
                       build cost per W is what a finished plant costs), so placed gear is priced installed too
                       (s15-capex, 2026-12-06, note below); a price marked installed is neither marked up nor in
                       the equipment the factor is taken over (s17-econ2 note below)
      power classes  : transformer 0.0559, switchgear 0.1309, conversion (UPS or rectifier) 0.3192,
                       distribution (PDU or busway) 0.2902, generator 0.2037 (power shelves: placed only)
      cooling classes: CDU 0.2806, CRAH 0.0990, chiller 0.3447, heat rejection (dry cooler or tower) 0.2475,
                       pump 0.0282     (shares in compiler.models.assumptions, derived there from a reference
                       plant of stdlib parts, PLANT_REFERENCE; each category's sum 1; the cooling reference a
                       hall with 85% of its heat to liquid)
      heat paths     : the CDU class's estimate is per W of the block's own liquid heat, x 0.2806 / 0.85, the
                       CRAH class's per W of its own air heat, x 0.0990 / 0.15 (the heat the thermal model sizes
                       them for; plant_reference_liquid_fraction 0.85), the chillers' per W of the heat on
                       compressors (s24-capex), the heat rejection's per W of the heat its gear rejects (s24-capex2),
                       the pumps' per W of its IT: an air-only block buys no CDUs and 0.6601 of the cooling plant's
                       cost per W in CRAHs (s14-cfo2; 0.6 at the rounded shares before s17-econ2, 0.6126 before
                       s18-prices)
      units its halls price: a site whose halls place priced CDUs or CRAHs buys the units the thermal model
                       sizes for its own heat on that path (cdus_outside_halls / crahs_outside_halls, of
                       cdu_capacity / crah_capacity each) at the price per W of capacity its halls pay,
                       sum(units x price) / sum(units x capacity), in place of the per-W estimate (s15-money):
                       the same unit at the same price in one report. The flagship's 141 CRAHs of 150 kW for the
                       21 MW of network outside its halls were $31.2M per W of air heat (0.6 x 2.48 $/W =
                       $1,488 per kW) beside its halls' 208 CRAHs at $60k ($400 per kW): now 141 x $60k = $8.46M.
                       Public check: a chilled-water CRAH architecture costs $600-1,200 per kW of IT installed
                       (MEP Estimation USA, "HVAC Estimating for Data Centers", F. Kowalski, updated 2024-06,
                       mepestimationusa.com/guides/hvac-data-centers, read 2026-12-06): the per-W reading, above
                       that for the CRAHs alone, is the one out of range; the unit price is the equipment within
                       it. These units are priced installed as all placed gear is (x the installation
                       factor, s15-capex): 141 x $60k x 3.45 = $29.2M.
      s15-capex note (2026-12-06): one model for the two readings of the same gear. Before, a class the spec
                       does not place was estimated installed (the build cost's 2.48 $/W of cooling, 3.72 $/W of
                       power) and a placed one priced at its equipment price only (the 0.718 / 1.690 $/W its
                       gear lists): placing the flagship's halls' CRAHs lowered its site cooling capex $184.9M
                       -> $129.6M, and any class placed at the prices the shares were derived from read 3.45x
                       (cooling) or 2.20x (power) cheaper than estimated. Now placed gear x the installation
                       factor: placing exactly the units a class's estimate implies at the equipment price it
                       implies gives the estimate (tests/test_capex_laws15.py, every class). Sources: the
                       ratio is the model's own (C&W build cost per W over the stdlib equipment per W); public
                       check: Cran's mean Lang factor, installed plant over purchased equipment, is 3.45 +-
                       0.47 (Chemical Engineering, 1981-04-06; Lang 1948: 3.10 solids to 4.74 fluids), the
                       cooling factor; the power factor 2.20 is below Lang's range (factory-built switchgear,
                       UPS and generators need less field work than process plant) [U]. Known gaps: the stdlib
                       generator ($500/kW) and water-cooled chiller ($700/ton) comments say "installed" while
                       the shares price them as equipment (not verified either way); a CRAH installed at
                       $400/kW x 3.45 = $1,380 per kW of capacity is above the $600-1,200 per kW of IT of the
                       MEP Estimation USA range for a whole CRAH system. Flagship: capex 8,388.6 -> 8,924.8
                       M$, cooling 129.6 -> 407.2 M$, power 525.3 -> 783.8 M$ (its all-estimate plant would
                       be 552 + 828 M$), TCO 2,173.65 -> 2,244.35 M$/yr, chat 0.3066 -> 0.3168 $/Mtok.
      s16-capex note (2026-12-06): a part says its price is installed with `installed = true` (a bool field of
                       every power and cooling kind, dsl/schema.py): the model takes it as written (`markup` 1), and
                       `<block>.detail.<figure>_priced_installed` (results JSON; the report's plant rows: "$X of it
                       priced installed as written") is what was. The stdlib's Generator_3MW and
                       Chiller_WC_1000ton set it (their comments' "installed"; the chiller's $700/ton is 2.9x the
                       $240/ton equipment figure below). Flagship: generators 88 x $1.5M x 2.20 = $290.6M -> 88 x
                       $1.5M = $132.0M; capex 8,924.8 -> 8,766.2 M$, capex_power 783.8 -> 625.2 M$, TCO 2,244.35 ->
                       2,223.44 M$/yr, chat 0.3168 -> 0.3138 $/Mtok. Laws: tests/test_capex_installed16.py (an
                       installed part is not marked up; marking up never lowers capex; the estimate's units at its
                       installed price give the estimate). Left as it was: plant_equipment_power 1.690 $/W counts
                       the generator's $500/kW x 1.1 as equipment; were it re-based on the generator's equipment
                       share, the power factor would rise (a sourced equipment/installed split is still missing).
      s16-capex sources (2026-12-06): a search of public documents (Schneider Electric white papers 6 and 156,
                       Uptime Institute, Turner & Townsend DCCI 2024 and 2025-2026, C&W 2025, NREL/LBNL, estimator
                       and vendor pages) found no dated public price for any stdlib facility part; each price line
                       now says what was found (tests/test_plant_sources16.py): undated construction-cost checks for
                       chillers, towers and pumps ("Quick Reference for Efficient Chiller System Design", [S]),
                       escalation reports for transformers and UPS, and against the generator's "installed" a vendor
                       page reading a 1-4 MW genset's $1M+ quote as before installation. No source for the power
                       factor 2.20. cooling_share_of_plant 0.4 is the low end of "40-55% of total MEP cost" (MEP
                       Estimation USA, 2024-06 [S]). CRAH check, arithmetic right, figure out of range: $60k / 150
                       kW = $400/kW x 3.4546 = $1,382/kW of capacity; the flagship's hall 52 units for 7.56 MW of air
                       $10.78M = $1,426/kW of air heat, its site 141 for 20.99 MW $29.23M = $1,392/kW, where a whole
                       chilled-water CRAH architecture is $600-1,200/kW of IT installed (same guide): 16-19% above
                       its top for the CRAHs alone. Cause: one whole-plant factor (a Lang factor: field piping,
                       towers, foundations) for every cooling class, a packaged terminal unit included; the per-W
                       estimate (2.4804 x 0.09 / 0.15 = $1,488/kW of air heat) is as high, so the two readings agree
                       and are both high. Not changed: no public CRAH price or per-class installation split found.
                       Were that range the whole air-cooled plant's (chillers included; the guide does not say),
                       this model's (2.4804 $/W x (0.6 + 0.39 + 0.23 + 0.03) = $3,100/kW of IT) would be 2.6-5x it:
                       C&W's 2025 build cost per W (large, AI-era builds) against an estimator's range for 1-10 MW
                       halls; which holds for a given site is open, and `plant_cost` sets it.
      s17-econ note (2026-12-06): the generator's price now has a dated public source. Generator_3MW =
                       3,000 kW x $650/kW x 1.06 = $2.067M, installed (`installed = true`, markup 1): NREL REopt.jl
                       v0.35.0 (2023-09-29) "ANNUAL UPDATE TO DEFAULT VALUES", Generator "System capital cost
                       ($/kW) installed_cost_per_kw 500 --> $650 if the generator only runs during outages"
                       (github.com/NREL/REopt.jl CHANGELOG.md, src/core/generator.jl; still the default at
                       2026-01-04). REopt's old default, $500/kW, equals the stdlib's old $1.5M / 3 MW (an installed
                       figure there, consistent with s16-capex's reading; its origin is not recorded). Taken as 2023 dollars (the update's year) and escalated
                       x 1.06 to 2025, the factor NREL applied to its own REopt defaults ("escalated from dollar
                       year 2023 to 2025 using 6% based BLS inflation data", NatLabRockies/REopt-Analysis-Scripts
                       discussion #208): general inflation, no PPI for generator sets being readable in the store.
                       Check: 2025 vendor quotes, equipment
                       only ("does not include installation labor"), Kohler 2.8-3.5 MW $1.47M-2.46M, $525-817k
                       per MW (bentonperet/Saga on GitHub, _Service_Line_Templates/Financial_Modeling/
                       Equipment_Cost_Database, "Vendor quotes compiled 2025-11-20", unverified [S]):
                       REopt's installed figure lies inside that equipment-only range, so it is a floor for a
                       2025 data-center genset, not a ceiling. Flagship: generators 88 x $1.5M = $132.0M ->
                       88 x $2.067M = $181.9M; capex 8,766.2 -> 8,816.1 M$, capex_power 625.2 -> 675.1 M$,
                       TCO 2,223.49 -> 2,230.07 M$/yr (+$49.9M x (CRF(8%, 20) 0.10185 + 0.03) = +$6.58M),
                       chat 0.3125 -> 0.3135 $/Mtok (tests/test_capex_price17.py states the law).
                       Not changed here: the power class shares and plant_equipment_power (1.690 $/W) still
                       counted the generator at the old $500/kW x 1.1 = 550 $/kW "equipment" (re-basing on $689
                       inside the equipment, 758 of 1,898 $/kW, factor 1.96, would still have marked up over an
                       installed price; s17-econ2, below, takes the installed class out of the factor instead:
                       2.5979; no source gives an equipment/installed split per class, so the single factor per
                       category stays). s17-econ search (no dated per-part figure found for the other 15 prices): Schneider Electric white papers 156, 114 and 150 (the stored copies returned
                       their opening pages, not WP 156's cost-model appendix), Uptime Institute "Dollars per kW
                       plus dollars per square foot" (a whole-build $/kW + $/ft2 model, no per-part split in what
                       was read), C&W 2025, REopt.jl (generator, CHP and absorption-chiller defaults only), EPA CHP
                       catalogue via understandingchp.com (CHP engines $1,433-2,900/kW installed, heat recovery
                       included: not a standby genset), DOE distribution-transformer rulemakings (no per-unit
                       price in the excerpts read), BLS PPI pages (seasonal factors only), Alabama Power "Compare
                       Installation Costs" (undated), and
                       the 2025 quote compilation above (UPS 1,250 kVA $352,911; transformers 2,550 kVA
                       $78k-113k at 13.2-18 kV, its 34.5 kV price flagged; CRAH 60 kW $72,800 = $1,213/kW; a
                       500-ton JCI chiller $583,362 = $1,167/ton; busway 400-800 A $76,600 each, flagged): each is
                       recorded beside its stdlib price as a check, none replaces one (an unverified compilation
                       whose own notes flag the matching classes or leave the scope, e.g. UPS batteries, unsaid;
                       its version table credits an AI assistant with compiling it).
      s17-econ2 note (2026-12-06): the shares and factors derived from the stdlib parts, an installed price
                       out of the factor. The s17-econ generator (REopt's installed $689/kW, `installed = true`,
                       taken as written) was still $500/kW x 1.1 = 550 $/kW of "equipment" in the power shares
                       (generator 0.32) and in plant_equipment_power (1.690 $/W), so the factor 3.7206 / 1.690 =
                       2.2015 marked the other gear up over a denominator that held an installed price, and the
                       generator class's estimate (0.32 x 3,720.6 = $1,191/kW) was 1.57x the installed generators
                       a spec places ($758/kW with N+1). One formulation now: the category's installed plant cost
                       per W is R = sum over installed-priced classes of their $/W + factor x sum over equipment-
                       priced classes of theirs, so
                           factor = (R - installed $/W) / equipment $/W,  share = a class's installed $/W / R
                       with the $/W of each class from a reference plant of stdlib parts (price / capacity x units
                       per unit needed (2N: 2, N+1: 1.1) x the heat share it carries; compiler.models.assumptions
                       PLANT_REFERENCE, computed there, so a stdlib price or flag cannot leave them stale:
                       tests/test_plant_reference17.py reads each row back from stdlib/facility.factory). Power:
                       installed generators 2,067,000 / 3 MW x 1.1 = 757.9 $/kW; equipment transformers 120.0 +
                       switchgear 180.4 + UPS 440.0 + PDUs 400.0 = 1,140.4 $/kW; factor (3,720.6 - 757.9) /
                       1,140.4 = 2.5979; shares 0.0838, 0.1260, 0.3072, 0.2793, 0.2037 (were 0.07, 0.11, 0.26,
                       0.24, 0.32). For any plant cost per W P the factor is P x (1 - the installed classes'
                       shares) / equipment (installation_factor), so every class's estimate read as units at the
                       equipment (or installed) price it implies is that estimate. Cooling: the reference hall's
                       chillers are the air-cooled Chiller_AC_500ton (equipment); the installed water-cooled
                       Chiller_WC_1000ton is in no share, so no installed price was in its factor; the shares are
                       now the exact ones (CDU 0.2603, CRAH 0.0919, chiller 0.3919, heat rejection 0.2297, pump
                       0.0261; were rounded to 0.01, the pump's 0.03 15% above its 0.0261) and the factor 2.4804 /
                       0.7183 = 3.4533 (was 3.4546). Flagship (examples/flagship_campus.factory): capex 8,816.1 ->
                       8,896.2 M$, capex_power 675.1 -> 757.5 M$ (transformers placed x 2.5979: 68.7 -> 81.1 M$;
                       the halls' placed UPS 28.6 -> 33.8 M$ each hall; the estimated switchgear and distribution
                       at their new shares; the 88 generators stay $181.9M), capex_cooling 407.2 -> 405.0 M$,
                       TCO 2,230.06 -> 2,240.63 M$/yr, chat 0.3135 -> 0.3150 $/Mtok; enterprise starter capex
                       $2,757,069 -> $2,758,789 (all-air cooling x 1.2603 of 2.4804 $/W, was x 1.25). The
                       generator reference stays a sourced [S] installed figure, the others [U]; still no source
                       for an electrical installation factor (2.60 is below Lang's 3.10-4.74 for process plant).
      s15-plantsrc note (2026-12-06): equipment or installed, per stdlib price (stdlib/facility.factory).
                       Every facility price is "NOT PUBLISHED [U]" with no cited source, so no source's own
                       words settle it; the comments' words: installed: generator ("~$500/kW installed with
                       enclosure, tank and paralleling share"), water-cooled chiller ("~$700/ton installed");
                       equipment: transformer ("pre-2022 quotes of $60k-100k ... roughly doubled", a purchase
                       quote), UPS ("~$400/kW for a large UPS module with lithium-ion batteries"), rectifier
                       ("~$250/kW, below a UPS"), power shelf (its PSUs' prices; not marked up); silent:
                       switchgear, PDU, busway, CDUs, CRAH, air-cooled chiller ("with integral condenser
                       fans"), dry cooler, cooling tower, pump. Before this note the file's header said
                       "Prices are per unit, installed" and the `price` field of every power and cooling kind
                       read "purchase price per unit, installed" (dsl/schema.py, docs/kinds.md) while this
                       model marks placed gear up as equipment: both now say what the model does (equipment,
                       x the installation factor). Public checks found: "Quick Chilled Water Estimation"
                       (scribd.com/document/56935425, undated [S]): centrifugal chillers 600-1,400 tons
                       $240/ton with starters, setting, rigging and installation $60/ton, "typical
                       construction costs"; the stdlib's $700/ton is 2.9x that equipment figure, so it reads
                       as an installed chiller plant (Alabama Power's "Compare Installation Costs" page counts
                       tower, condenser pumps and piping in a chiller's installed cost [S]), i.e. x 3.45 here
                       double-counts it; no public generator equipment-vs-installed split found; power's 2.20
                       still has no source of its own (the C&W power plant per W over the stdlib total). Not
                       changed (no sourced per-part split in the time): were the generator's $500/kW
                       installed, the flagship's 88 placed generators ($290.6M = 88 x $1.5M x 2.20) would be
                       $132.0M, capex 8,924.8 -> 8,766.2 M$; it places no water-cooled chiller. Next: a
                       sourced `installed` flag (or equipment figure) per part, and plant_equipment_* totals
                       recomputed on equipment prices (the laws of tests/test_capex_laws15.py hold for any
                       such totals, the factor being their ratio to the build cost).
      s18-prices note (2026-12-06): four stdlib prices from a dated source, RSMeans "Building Construction Costs
                       with RSMeans data 2022" (material, i.e. equipment, US national average), x 1.1036 to 2025
                       dollars (CPI-U 2023 / 2022 = 1.0412, BLS, x NREL's 1.06 for 2023 -> 2025, as the generator):
                       Transformer_2500kVA $150,000 [U] -> $96,332 (2,000 kVA $69,000 and 3,750 kVA $133,000,
                       interpolated; 5/15 kV class), Chiller_AC_500ton $450,000 [U] -> $367,303 (air-cooled screw,
                       320 ton $213,000, at its $/ton), Chiller_WC_1000ton $700,000 installed [U] -> $494,428
                       equipment (2,000 ton, twin 1,000 ton units, $896,000; `installed = false`: RSMeans prices the
                       chiller's material apart from its setting and from the plant's tower, pumps and piping),
                       CoolingTower_5MW $400,000 [U] -> $215,746 (fiberglass 1,000 ton $137,500 x 1.4217). The
                       other eleven prices: no dated source found, searches recorded beside each. The reference
                       plant's transformer and chiller rows follow (assumptions PLANT_REFERENCE): power equipment
                       1.1404 -> 1.0975 $/W, factor 2.5979 -> 2.6995; cooling 0.7183 -> 0.6665 $/W, factor 3.4533
                       -> 3.7213. R, the C&W plant cost per W, is unchanged, so a cheaper reference class raises
                       the factor that marks up every other placed part of its category: the flagship's placed
                       transformers $81.05M -> $54.09M and its trim chillers $59.05M -> $51.94M, but its CDUs,
                       CRAHs and dry coolers x 3.7213: capex_power 757.5 -> 749.9 M$, capex_cooling 405.0 -> 424.7
                       M$, capex 8,896.2 -> 8,908.3 M$, TCO 2,240.60 -> 2,242.20 M$/yr, chat 0.3157 -> 0.3159 $/Mtok.
      s24-capex note (2026-12-07): an unplaced class is estimated on the duty the models size its gear for, as
                       the gear the chain runs, in the whole units it needs (`_sized`, facility.compressor_heat).
                       Law (tests/test_capex_removal24.py, every example, each placed priced part): removing it
                       never raises capex, doubling its count never lowers it. It failed on the flagship
                       (examples/flagship_campus.factory, capex $8,896.8M): without its trim chiller +$138.5M, its
                       halls' rectifiers +$99.0M, CRAHs +$5.9M, CDUs +$4.4M. Causes and fixes:
                       chiller  : estimated on all 222.5 MW of IT, where its 40 degC liquid loop cools freely at the
                                  35 degC design ambient and the thermal model sizes chillers for the air heat alone
                                  (32 of 500 tons placed, $43.7M): now on that heat, the IT heat on loops that need
                                  compressors at the design ambient (0 where every loop cools freely: a free-cooled
                                  spec is charged no chiller plant); without the chiller now -$8.1M (the default
                                  COP, at the Carnot fraction, needs less power gear than the placed 2.96)
                       conversion, distribution: priced as UPS and PDUs whatever the `distribution`; on dc800 the
                                  power model's stages are a rectifier and a busway (facility _DEFAULT_STAGE), so
                                  now priced as those stdlib parts (assumptions PLANT_REFERENCE_DC800): rectifier
                                  $250/kW x 1.1 (x 0.625 of the UPS row), busway $86.95/kW x 2N (x 0.4348 of the
                                  PDU row). The halls' 52 placed rectifiers ($35.09M a hall) were replaced by $57.57M
                                  of UPS: now by the same $35.09M
                       N+1 units: every N+1 class was estimated at the reference's 1.1 units per unit needed, where
                                  N+1 over more than ten units needs less: a hall's 52 CRAHs hold 1.03x its air heat
                                  ($11.61M placed, $12.37M estimated), its 23 CDUs 1.07x its liquid heat ($34.24M,
                                  $35.06M). Now the whole units of the reference part (ceil(duty / k) + 1) where
                                  fewer, so a class the spec sizes as the model would costs the same estimated. The
                                  allowance stands below ten units (no fixed part in a small room's $/W, s17-small).
                       The estimate is still the reference plant's [U] prices x the installation factor (an estimate:
                       `<block>.detail.<figure>_estimated` in the JSON, "of it estimated" in the report's plant note).
                       The duty of power classes stays the block's IT (the reference's per W of critical IT), not
                       the stage's load with its losses (1-3% more). Flagship: capex 8,896.8 -> 8,750.9 M$,
                       capex_power 749.4 -> 603.5 M$ (the halls' distribution $54.40M -> $23.65M each, busway; the
                       site's own conversion $24.94M -> $14.85M, distribution $22.67M -> $9.86M, for its 20.99 MW of
                       fabric), capex_cooling 413.7 M$ unchanged (its chiller, CDUs and CRAHs are placed), TCO
                       2,240.0 -> 2,220.8 M$/yr, chat 0.3133 -> 0.3106 $/Mtok. A removal can still raise capex
                       through the part's physics: without its CDUs (1.5% pump power) the default CDU's 2%
                       (pump_fraction) feeds and rejects 0.87 MW more, +$1.08M of transformers and dry coolers.
      s24-capex2 note (2026-12-07): the heat-rejection class's duty is the heat its gear rejects in the thermal model:
                           duty = own IT                         heat_rejection "dry_cooler" or "cooling_tower"
                                = economizer_heat                heat_rejection "chiller" (the default)
                                = own liquid heat x (1 - liquid_chillers_run) + own air heat x (1 - air_chillers_run)
                       (facility.economizer_heat: the heat of the loops that cool freely at the design ambient).
                       On "chiller" the plant is air-cooled chillers, whose own condensers reject the heat of the
                       loops on compressors (an air-cooled chiller is rated with its "air-cooled condenser entering
                       air 95.0 degF", AHRI Standard 550/590 (I-P), 2023 [P], facility chiller_rating_dry_bulb; the
                       stdlib's Chiller_AC_500ton, RSMeans 2022 line 23 64 26.10 "Screw, liquid chiller, air
                       cooled" [S], is priced in the chiller class): the thermal model sizes no dry coolers
                       (`dry_coolers` 0) and no towers there, and the class was charged on all the IT anyway. The
                       free loops' heat is rejected by the economizer coils of the facility model's assumption (the
                       model runs rejection fans on it), estimated as the class: so on "chiller" each watt of heat is
                       rejected by one estimated class, the chillers (compressor_heat) or this one
                       (tests/test_capex_heat_rejection24.py, every kind x all air / 85% liquid / all liquid x a 35
                       and a 10 degC design day). examples/enterprise_starter.factory (67.02 kW of air at 35 degC):
                       capex_cooling $212,879 -> $171,727 (its $41,152 of dry coolers: 67,021 W x 2.4804 x 0.2475),
                       capex $2,762,148 -> $2,720,996, TCO $576.1k -> $572.8k a year, $1.028 -> $1.022 an
                       accelerator-hour; the other examples place their heat rejection or price no cooling plant:
                       unchanged. On "cooling_tower" the unplaced chiller and heat-rejection classes are now priced
                       as the parts the thermal model runs there (`_sized`, assumptions PLANT_REFERENCE_TOWER):
                       water-cooled chillers (its condensers see the towers' wet bulb) x 0.6731 of the air-cooled
                       row's $/W, towers x 0.2877 of the dry coolers' ($43/kW of equipment against $150/kW); no
                       example rejects its heat by towers
      s25-design note (2026-12-07): on "chiller" the free loops' class is charged though the thermal model's
                       `dry_coolers` reads 0 there. Kept: an air-cooled chiller rejects only the heat its compressors
                       lift (AHRI 550/590 rates it on its condenser air); a loop that cools freely at the design
                       ambient passes its heat to outdoor air through coils of its own, whose fans the facility
                       model runs (heat_rejection_fan_fraction on economizer_heat) and which RSMeans prices as dry
                       coolers. A room on "chiller" whose loops all cool freely is therefore charged exactly the
                       plant of the same room on "dry_cooler" (same duty, same units, same facility power;
                       tests/test_design25.py): charging $0 would make a warm-water campus's heat rejection free
                       because it named no rejection gear. What reads 0 is the count: `dry_coolers` counts units on
                       "dry_cooler" only (facility `_dry_coolers_own`); counting the economizer coils there too would
                       move a placed-plant limit check (`dry-cooler-capacity`) and `_SIZED_BY_MODEL`, left to the lead
      s26-contract note: they are counted apart, `economizer_coils` (facility: ceil(economizer_heat / dry_cooler
                       capacity) + 1 on "chiller", else 0), so the charge above has a count beside it; `dry_coolers`
                       and every cost are unchanged
      heat rejection : only the kind the block's `heat_rejection` names replaces the class's estimate; a dry
                       cooler or tower of another kind rejects no heat in the model: it is priced as written
                       (its count; a dry cooler without one: 0, the model sizes none) on top of the estimate,
                       with a `no-effect` warning (it never lowers the capex)
      rows, racks    : gear of a class a row (PDU, busway, rectifier, CDU, CRAH) or a rack (PDU, CDU; not one
                       priced as a whole) places is priced (count x units x price); the class's estimate
                       covers only the IT outside those rows (a row's gear replaces the block's for its IT in the
                       power chain and the thermal model) but still the racks' IT: a rack's PDU is one more stage
                       after the block's floor PDU (facility `_rack_pdus`), and the block's CDUs are sized for the
                       rack's liquid heat (`cdus`), so the rack's gear is priced on top of them (s17-hunt-num:
                       before, a $100 CDU in each of 10 GB200-tray racks took their heat out of the CDU class's
                       estimate, capex $16.389M -> $15.638M, while `cdus` stayed 2)
      capex_power    = halls' capex_power + sum of the power classes' costs + the power shelves of the racks
                       placed here (units * price; racks have no power figure of their own)
      capex_cooling  = halls' capex_cooling + sum of the cooling classes' costs
      Example: 10 MW hall, 85% of its heat to liquid, defaults (11.7 $/W * 0.53 * 0.4 = 2.48 $/W cooling; both
      loops on compressors at the 35 degC design day, on air-cooled chillers: no heat-rejection class), one priced
      CDU class placed (6 CDUs * $0.4M): capex_cooling = 2.4 M * 3.7213 + 10 MW * 2.4804 * (1 - 0.2806 - 0.2475) =
      8.93 M + 11.70 M. All air (no CDUs): 10 MW * 2.4804 * (0.0990 / 0.15 * 0.9273 (68 CRAHs) + 0.3447 + 0.0282) =
      24.43 M; with heat_rejection = "dry_cooler", + 10 MW * 2.4804 * 0.2475 = 6.14 M of dry coolers.
      capex_building = it_power * shell_cost (default build_cost_per_watt * (1 - critical_share))
      colocation (the site sets `colocation_price`, $/kW-month; its halls inherit it): the building and its
                       power and cooling plant are the lessor's: capex_power = capex_cooling = capex_building
                       = 0 (so their depreciation and maintenance are 0), and
      opex_lease     = colocation_price * it_power     (rent per kW of peak IT power; energy stays metered in
                       opex_energy, as wholesale colocation bills it; placed gear still sets losses and PUE)
                       market figure: $184.06/kW-month, CBRE North America Data Center Trends H2 2024
                       (assumption `colocation_price`, for a spec to quote)
      Example: 10 MW of IT at $184.06/kW-month: opex_lease = 10,000 kW * 184.06 * 12 = $22.09M a year,
      replacing (11.7 $/W * 10 MW = $117M of building and plant) / 20 yr = $5.85M of depreciation a year
      and 3% maintenance on the plant's $62M ($1.86M).
      capex_land     = land_price (a site's); a site that places IT, gives none and does not lease counts its
                       land $0 with an `unpriced` warning (as an unpriced part); `land_price = 0 USD` where free;
                       0 for a site that leases: the lease rents the land under the building too (a `land_price`
                       it sets is a `no-effect` warning)
      capex          = the sum of the categories
      capex_depreciable_it       = it + network + optics           (what wears out with the IT; a rack's or
                                                                    row's whole capex: the report's total of one)
      capex_depreciable_facility = power + cooling + building      (what wears out with the facility)
      capex_maintained           = capex - building - land         (the equipment maintenance is a share of)
      capex_building_per_watt    = capex_building / it_power       (the shell's $/W; none without IT power)
      depreciation_it_year       = capex_depreciable_it * CRF(r, life_it)
      depreciation_facility_year = capex_depreciable_facility * CRF(r, life_facility)
      depreciation_year = their sum; CRF(r, n) = r / (1 - (1 + r)^-n), = 1 / n when r = 0
      land_capital_year = r * capex_land                (the land's cost of capital; s15-money, 2026-12-06)
                          Land does not wear out: it is bought once and held, and it is worth its price at the
                          end of any horizon (assumption: no appreciation, no sale cost, no property tax here:
                          a tax is opex the spec adds), so it has no depreciation, but the capital tied up in
                          it earns the discount rate r as the other capital's CRF does: the annuity of a
                          purchase P over n years that is sold back for P at the end is
                          P CRF(r, n) - P r / ((1 + r)^n - 1) = P r, whatever n (CRF(r, n) - r = r / ((1 + r)^n
                          - 1), the sinking fund of the sale). r = 0 (the default): 0, as straight-line
                          depreciation charges no capital. Before, the TCO left the land's capital out
                          entirely (the flagship's $40M of land at 8%: $3.2M a year missing).
                          Example: $40M of land at 8% a year: $3.2M a year; at 0%: $0.
      opex_energy       = facility_power_metered * electricity_price       (per year; a site: its services at
                          their duty cycles, below; a hall: its share of its site's, below)
      opex_maintenance  = maintenance_rate * capex_maintained
      opex_staff        = staff_cost, else staff_per_mw * it_power (a hall under a site's staff_cost: its share,
                          staff_cost * it_power / the site's it_power; s20-hunt)
      opex_water        = water_year * water_price
      opex              = opex_energy + opex_maintenance + opex_staff + opex_water (+ opex_lease)
      tco_year          = depreciation_year + land_capital_year + opex
      cost_per_accelerator_hour = tco_year / accelerators   (none for a block without accelerators)
      a workload where no site prices its accelerator-hour: price per chip * CRF(r, life_it) + its energy
                        (it_capital_recovery: the same CRF as depreciation_it_year, never straight-line apart)
      cost_per_mw       = capex / it_power                  (none for a block without IT power)

$/Mtoken of an inference service (compiler.models.inference "Power and cost"; it reads `service_duty_cycle`):
      usd_per_mtok = chips * cost per accelerator-hour / served_tokens_per_s, served_tokens_per_s = the load
                     carried while busy (offered_load, else an aggregated service's demand, else its capacity
                     tokens_per_s; at most the capacity, above it the `overloaded` error) * duty cycle (the
                     service's `utilization`, else service_utilization 0.6 [U]): every dollar of it is paid by the
                     hour, busy or idle, so halving the duty cycle or a demand below the capacity doubles it,
                     but for the energy: that follows the power drawn (s14-tco, 2026-12-06, below)
      the site's energy at its services' duty cycles (issue 11 deliverable 5; s14-tco). Before, a site's
                     opex_energy was its facility_power_avg at its own `utilization` (0.85 [U]) for every
                     accelerator, and each accelerator-hour carried its share whatever the service's duty cycle
                     (the flagship's chat service, duty 0.6, paid for GPUs busy 85% of the time: its $/Mtok 2.1%
                     high). Now the bill meters the power drawn:
        w(t)        = average(t) / count(t): the site's planning draw per accelerator of chip type t (the IT
                      power of the systems holding it at the site's `utilization`, `_chip_types`), what a
                      training run's accelerators draw
        w_spare(t)  = the same systems' IT power per accelerator with every accelerator at its idle power
                      (power.spare_draw: idle + s (tdp - idle), s the site's `let spare_utilization`, 0 unless
                      the spec says otherwise): what an accelerator no workload holds draws (s19-energy)
        power_avg   = u x power + (1 - u) x held x W(P_idle): a service's mean wall power over the hour, busy
                      its duty cycle u at its load, idle the rest with every held accelerator at its idle draw
                      (compiler.models.inference.mean_wall_per_accelerator; `accelerators_held` = held)
        D(t)        = sum over the site's inference services on t of count x (power_avg - held x w(t))
                      - spare(t) x (w(t) - w_spare(t)), spare(t) = count(t) less what the services and the
                      training runs hold (at least 0; none in a scenario where a workload on t has no
                      solution). Before s19-energy a spare drew w(t), above a held accelerator at duty 0.6, so
                      raising a service's demand lowered the site's energy (256 H100, 5 -> 80 ktok/s: 2.547 ->
                      2.393 GWh/yr; now 0.901 -> 1.300, tests/test_energy_laws19.py). A site that declares no
                      workload is billed at its planning figures (nothing says what runs)
        facility_power_metered = facility_power_avg + sum over the site's chains c of F_c(D_c) - F_c(0), D_c =
                      sum_t D(t) x n_c(t) / n(t) (`metered_changes`: D(t) where type t sits, each hall c its own,
                      the accelerators outside the halls the site's own part)
        F_c(D)      = chain c's own average facility power walked at its IT and cooling flows x s = 1 + D / I_c
                      (facility.metered_change; the `pue` x D where the spec sets one): the no-load losses stay,
                      the square-law chain losses (s20-power) and the cooling (pumps, fans, compressors at the mean
                      ambient, rejection fans, in proportion to the heat) move with the services' draw, so a chain
                      whose accelerators the services all hold draws the same at any planning `utilization`
                      (before s18-huntnum: one slope for the site, the IT-weighted mean of its chains', which the
                      utilization moved: tests/test_numbers_hunt18.py; s18-huntnum to s20-power: each chain's
                      slope (facility_power_avg - no-load losses) / it_power_avg, exact while the losses were
                      linear in the load)
        energy_year = facility_power_metered x 1 yr; opex_energy = facility_power_metered x electricity_price
      Attribution: every accelerator's share of opex_energy is by its own average draw, e x w, e = opex_energy /
                     sum_t average'(t), average'(t) = average(t) + D(t) (so the no-load losses, network and
                     cooling are shared by draw): a service's hour = rate(t) + e x (w(s) - average'(t) /
                     count(t)) (service_accelerator_hour; rate(t) the type's hour below, tco_year / accelerators
                     at a site of one type), an accelerator no service holds (a training run's) the same at w(t), a spare's at w_spare(t);
                     the services', the training runs' and the spares' hours add up to tco_year.
      Assumptions: the services' accelerators sit where the site's accelerators of their type sit (a hall's
                     rows of different chains share the hall's slope, their IT-weighted mean);
                     services holding more accelerators than the site places (`over-committed`, an error)
                     share those placed (D(t) x count(t) / sum held(t): no negative power); a service in a scenario with no solution (no power) leaves its
                     accelerators at w(t), and the site's bill is flagged there (`infeasible-workload`); a training
                     run draws the site's planning w(t) (its own `utilization` does not enter the bill);
                     facility_power_avg and the thermal sizing stay at the site's `utilization` (a planning
                     figure); the water and the PUE follow the metered draw (s19-energy2):
        it_power_metered = it_power_avg + sum_t D(t) where type t sits (a hall its share n_h(t) / n(t), `it_changes`)
        pue              = facility_power_metered / it_power_metered
        water_year       = the towers' water at the average heat x it_power_metered / it_power_avg of the IT each
                           block cools itself (the heat rejected is linear in it, as the energy's slope k is)
                     Before, they stayed at the planning draw: 256 H100 at a tower site, one chat service 5 -> 80
                     ktok/s, 4,336 m^3/yr and PUE 1.1358 throughout while the energy rose 0.832 -> 1.198 GWh/yr;
                     now 1,456 -> 2,149 m^3/yr, PUE 1.195 -> 1.166 (tests/test_energy_laws19b.py).
      A hall's bill: the halls do not know which of them a site-level service runs in; each carries the
                     change of each chip type by its share of the site's accelerators of that type, at its own
                     slope: hall facility_power_metered = facility_power_avg + k_h x sum_t D(t) x n_h(t) / n(t),
                     and its energy_year, opex_energy, tco_year and accelerator-hour follow
                     it, so a site's energy is the sum of count x its halls' and what lies outside them
                     (tests/test_report2_hunt17.py), and a hall no service's chip type is in keeps its planning
                     draw. Before (s14-tco to s17), a hall stayed at the planning draw: one hall holding a
                     service on all 32 H100 at duty 0.3 said 304.9 MWh/yr and $1.035 an accelerator-hour where
                     its site said 184.7 MWh/yr and $0.9919; s17 to s18, by its share of all the accelerators,
                     whatever their type: a hall of 128 H100 no service held was billed 91.7 kW for its 146.0 kW
                     because a GB200 service in the hall beside it ran at duty 0.3 (tests/test_numbers_hunt18.py).
      Hand calculation (tests/test_tco_duty_cycle.py): 10 racks of 4 DGX H100 at a set pue 1.25, $0.10/kWh,
                     chat on 160 GPUs at duty 0.5: w = 924.435 W, power_avg 105,810.19 W (idle at the DGX H100's
                     300 W a GPU), D = -42,099.39 W, metered = 1.25 x (295,819.15 + D) = 317,150 W, $31.71 an
                     hour; chat's hour $2.63 an hour
                     below 160 x tco / 320. Flagship: chat's 25,920 GPUs draw 1,124 W each over the hour
                     (1,577 W busy 0.6 of it) where the site plans 1,878 W: the campus's average power at the
                     meter 211.3 -> 196.0 MW, energy 1,851 -> 1,717 GWh, chat $0.313 -> $0.3063 / Mtok (-2.1%),
                     the training run's cost +0.07% (its GPUs keep the planning draw, and the no-load losses and
                     network now spread over less draw).
      cost per accelerator-hour at a site that places several chip types (type_accelerator_hour): each type's
                     share of the site's bill, sum(count * rate) = tco_year:
                     rate(t) = [capex(t) (CRF + maintenance_rate) + opex_energy avg(t) / sum(avg)
                                + rest peak(t) / sum(peak)] / count(t),  rest = tco_year - opex_energy - sum capex (CRF
                     + maintenance_rate); capex, peak and avg the IT capex, peak and average IT power of the servers
                     and racks holding the type. One type: tco_year / accelerators (cost_per_accelerator_hour).
                     Example (tests/test_cost_per_token.py): a hall of 4 GB300 NVL72 racks beside 8 DGX H100 racks
                     moved an H100 service's $/Mtok +3.7% at the blended hour, -0.3% at its own type's

Bill of materials, per placed rack, server, chip, CPU, memory, storage, switch, NIC, DPU, transceiver and
cable (none for a definition on its own, which is not in the plan):
      quantity    = count * the counts of the blocks it is in, up to the top
      total_price = quantity * price                          (where the price is given; none for a part
                    inside a server or rack priced as a whole: that price holds it)
      total_power = quantity * peak power: peak_power (chip, CPU, server), it_power (rack), power (others;
                    where given)

A part that has no `price` counts $0 and gets an `unpriced` warning naming the figures it leaves
incomplete (none when a server or rack holding it is priced as a whole).

Finance figures (depreciation_it, depreciation_facility, maintenance_rate, staff_cost, discount_rate)
come from a `finance` block placed in the site, else from the assumptions. A site sums its halls and
adds the gear, racks and land it holds itself.
"""
from __future__ import annotations

import numpy as np

from . import assumptions as A
from . import (cached, name_unpriced_part, output, priced_system_above, solved_through, warn_unpriced,
               warn_unpriced_field)
from .facility import (_outside_halls, compressor_heat, direct_heat, economizer_heat, halls, metered_change,
                       metered_scale)
from .thermal import unit_count, units_needed

IT_PART_KINDS = ("chip", "cpu", "memory", "storage")
NETWORK_KINDS = ("switch", "nic", "dpu")
OPTICS_KINDS = ("transceiver", "cable")
_SIZED_BY_MODEL = {"cdu": "cdus", "crah": "crahs", "chiller": "chillers", "dry_cooler": "dry_coolers"}
CONTAINERS = ("server", "rack", "row", "hall")


def price_of(part, ctx, figure: str):
    """The part's `price`; a part without one counts $0 and gets an `unpriced` warning at its span naming
    the figure it leaves incomplete (`ctx.path`.`figure` and every capex rolled up from it)."""
    if part.is_set("price"):
        return part.get("price")
    warn_unpriced(part, f"{ctx.path}.{figure}")
    return np.zeros(1)


def service_duty_cycle(ctx) -> np.ndarray:
    """An inference service's busy share: its `utilization`, else `service_utilization` (0.6). served_tokens_per_s
    = the load carried while busy * duty cycle; $/Mtoken = accelerators * cost per accelerator-hour / it."""
    return ctx.get("utilization", A.service_utilization)


def _chip_types(site, capex: bool = True, level=None, spare=None) -> dict[int, list]:
    """The accelerators a site places, by chip type (the chip definition a placed chip extends:
    workloads._definition), with what they bring to the site's bill: {id: [name, count, capex, peak, average]},
    capex the IT capex (capex_it) of the servers and racks that hold them (a rack priced as a whole, else each
    server; bare chips their price), peak and average their IT power (a server's peak_power and power, a rack's
    it_power and it_power_avg, a chip's peak_power and power); a system holding two types splits its figures by
    their chip counts (workloads.placed_chips). Systems without accelerators (CPU servers, storage) are in no type.
    `capex` False leaves the capex 0 and reads no price: the power figures (`service_draws`) then depend on no
    price, so an unpriced part does not mark the site's energy as incomplete. `level` (a hall of the site): what one
    of it places, by the site's chip types. `spare` (a load share s): the average is that of the same systems with
    every accelerator in them at power.spare_draw (idle + s (tdp - idle): an accelerator no workload holds)."""
    from dsl.schema import kinds
    everything = tuple(k for k in kinds() if k not in ("inference", "training"))
    out: dict[int, list] = {}
    _add_chip_types(site, site if level is None else level, np.ones(1), everything, out, capex, spare)
    return out


def chip_types(site, capex: bool = True) -> dict[int, list]:
    """`_chip_types` of the whole site, found once per site and evaluation (`compiler.models.cached`, held by the
    evaluation's model memo; a reader after the first replays the solve's reads, so each figure records what it
    read when it walked): the site's service draws, its halls' shares and each workload's accelerator-hour read it,
    and each walked the whole site (6 walks of every hall an evaluation with one service before s25-scale, 13 with
    three workloads; 8% of a 300-hall site's evaluation under cProfile, with each hall's own walk). Shared by its
    readers: read it, never change it (`_energy_types` copies the rows it changes)."""
    if capex:
        return cached(site, "chip_types", _chip_types)
    return cached(site, "chip_types:power", _power_types)


def _power_types(site) -> dict[int, list]:
    return _chip_types(site, capex=False)


def _add_chip_types(site, level, multiplier, everything: tuple, out: dict, priced: bool = True,
                    spare=None) -> None:
    """`_chip_types` under `level` (a function of its own, not a closure: a recursive closure holds itself, and
    the evaluation it reads, in a reference cycle that only Python's cyclic collector frees)."""
    from .power import spare_draw, system_power_at
    from .workloads import _definition, placed_chips

    def add(key, name, count, capex, peak, average):
        row = out.setdefault(key, [name, np.zeros(1), np.zeros(1), np.zeros(1), np.zeros(1)])
        for i, x in enumerate((count, capex, peak, average), start=1):
            row[i] = row[i] + x

    for part in level.parts(*everything):
        units = multiplier * part.count
        if part.kind in ("server", "rack"):
            inside = placed_chips(part)
            if not inside:
                continue
            held = sum((c for _, c in inside.values()), np.zeros(1))
            server = part.kind == "server"
            capex = part.get("capex_it") if priced else np.zeros(1)
            peak = part.get("peak_power" if server else "it_power")
            average = part.get("power" if server else "it_power_avg") if spare is None else \
                system_power_at(part, lambda chip: spare_draw(chip, spare))
            for key, (name, c) in inside.items():
                share = c / np.where(held > 0, held, 1.0)
                add(key, name, units * c, units * capex * share, units * peak * share, units * average * share)
        elif part.kind == "chip":
            root = _definition(site, part.inst.block)
            price = part.get("price") if priced and part.is_set("price") else np.zeros(1)
            average = part.get("power") if spare is None else spare_draw(part, spare)
            add(id(root), root.name, units, units * price, units * part.get("peak_power"), units * average)
        else:
            _add_chip_types(site, part, units, everything, out, priced, spare)


def service_draws(site) -> dict[int, np.ndarray]:
    """`_service_draws`, found once per site and evaluation (`compiler.models.cached`: every hall's metered figures
    read it, and a walk of the whole site each time made a site of n halls ~n^2 walks; s23-scale)."""
    return cached(site, "service_draws", _service_draws)


def _service_draws(site) -> dict[int, np.ndarray]:
    """{chip type id: D(t)}, the average IT power the site's accelerators of type t draw as its workloads hold them,
    less the site's planning figure average(t) (`_chip_types`: the systems' average IT power at the site's
    `utilization`, w(t) = average(t) / count(t) per accelerator):

        D(t) = sum over inference services s on t of count x (power_avg(s) - accelerators_held(s) x w(t))
               - spare(t) x (w(t) - w_spare(t))
        spare(t) = max(count(t) - sum_s count x accelerators_held(s) - sum_r count x accelerators_held(r), 0)

    power_avg = u x power + (1 - u) x chips x W(P_idle) (the service's duty cycle u, compiler.models.inference.
    mean_wall_per_accelerator); a training run r's accelerators draw w(t) (its own `utilization` does not enter the
    bill); spare(t) are the accelerators no workload holds, at w_spare(t) = the same systems' average IT power with
    every accelerator at power.spare_draw, idle + s (tdp - idle), s = the site's `spare_utilization` (0: idle, as
    an accelerator that runs no job draws). So a spare that a service comes to hold goes from W(P_idle) to u x
    power / chips + (1 - u) W(P_idle), never less: raising a demand never lowers the bill (before s19-energy a
    spare drew w(t) at the planning 0.85, above a held one at duty 0.6, and 5 -> 80 ktok/s lowered a 256-H100
    site's energy 6.0%: tests/test_energy_laws19.py). A site that declares no workload keeps its planning
    figures (no draw here: the spec says nothing of what runs). A service on a type the site does not place, or
    in a scenario where it has no solution (no power, flagged `infeasible-workload`), draws nothing here, and
    there its type has no spares: the accelerators no feasible workload holds stay at w(t) (how many it holds
    is not known). Workloads holding more of a type than the site places (`over-committed`, an
    error): the services share what is left by the training runs, D_s(t) x placed / sum held(t), and no spare."""
    from .inference import Platform
    from .workloads import _definition
    services, runs = site.parts("inference"), site.parts("training")
    if not services and not runs:
        return {}
    types = chip_types(site, capex=False)          # power and counts only: no price read
    out: dict[int, np.ndarray] = {}
    held: dict[int, np.ndarray] = {}
    trained: dict[int, np.ndarray] = {}
    unknown: dict[int, np.ndarray] = {}        # a workload with no solution there: how many it holds is not known
    for service in services:
        key = id(_definition(site, Platform(service).chip.inst.block))
        if key not in types:
            continue
        count, average = types[key][1], types[key][4]
        w = average / np.where(count > 0, count, np.nan)
        n = service.count * service.get("accelerators_held")
        delta = service.count * service.get("power_avg") - n * w
        ok = np.isfinite(delta)
        out[key] = out.get(key, np.zeros(1)) + np.where(ok, delta, 0.0)
        held[key] = held.get(key, np.zeros(1)) + np.where(ok, n, 0.0)
        unknown[key] = unknown.get(key, False) | ~ok
    for run in runs:
        key = id(_definition(site, Platform(run).chip.inst.block))
        if key in types:
            n = run.count * run.get("accelerators_held")
            ok = np.isfinite(n)
            trained[key] = trained.get(key, np.zeros(1)) + np.where(ok, n, 0.0)
            unknown[key] = unknown.get(key, False) | ~ok
    for key, n in held.items():
        # over-committed (an error of its own): the services share the accelerators placed less the training runs',
        # D(t) scaled by what is left / sum held(t), so that no more accelerators than exist change their draw
        # (never a negative power)
        left = np.maximum(types[key][1] - trained.get(key, np.zeros(1)), 0.0)
        out[key] = out[key] * np.where(n > left, left / np.where(n > 0, n, 1.0), 1.0)
    share = site.get(A.spare_utilization.name, A.spare_utilization)
    spare_types = None
    for key, row in types.items():
        count, average = row[1], row[4]
        spare = np.maximum(count - held.get(key, np.zeros(1)) - trained.get(key, np.zeros(1)), 0.0)
        spare = np.where(unknown.get(key, False), 0.0, spare)
        if not np.any(spare > 0):
            continue
        if spare_types is None:
            spare_types = _chip_types(site, capex=False, spare=share)
        safe = np.where(count > 0, count, 1.0)
        out[key] = out.get(key, np.zeros(1)) - spare * (average - spare_types[key][4]) / safe
    return out


def it_changes(site) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """`_it_changes`, found once per site and evaluation (`compiler.models.cached`; s23-scale)."""
    return cached(site, "it_changes", _it_changes)


def _it_changes(site) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(the change the site's workloads make to the average IT power it holds outside its halls, {hall path: one
    such hall's}): the services' draws D(t) (`service_draws`) fall where their chip types sit, each hall taking
    D(t) x n_h(t) / n(t), the IT outside the halls the rest (IT watts, before any chain or plant)."""
    draws = service_draws(site)
    if not draws:
        return np.zeros(1), {}
    types = chip_types(site, capex=False)
    left = {key: types[key][1] for key in draws}
    per_hall = {}
    for hall in halls(site):
        mine = _chip_types(site, capex=False, level=hall)
        change = np.zeros(1)
        for key, draw in draws.items():
            if key in mine:
                count = types[key][1]
                change = change + draw * np.where(count > 0, mine[key][1] / np.where(count > 0, count, 1.0), 0.0)
                left[key] = left[key] - hall.count * mine[key][1]
        per_hall[hall.path] = change
    own = np.zeros(1)
    for key, draw in draws.items():
        count = types[key][1]
        own = own + draw * np.where(count > 0, np.maximum(left[key], 0.0) / np.where(count > 0, count, 1.0), 0.0)
    return own, per_hall


def metered_changes(site) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """`_metered_changes`, found once per site and evaluation (`compiler.models.cached`: each of a site's n halls
    reads it, and each walk visits every hall's chain: ~n^2 chain walks before s23-scale)."""
    return cached(site, "metered_changes", _metered_changes)


def _metered_changes(site) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(the site's change k_c x D over its chains, {hall path: one such hall's change}): the services' IT changes
    (`it_changes`) at each hall's own slope k_h (facility.facility_slope: its chain and plant, its `pue` or its
    site's where set), the share outside the halls at the site's own (its `pue` where it sets one): each chain
    walked again at its metered flows (facility.metered_change: its square-law losses at the flows the services
    draw, its cooling with the heat), so a chain whose accelerators the services all hold draws the same whatever
    the site's planning `utilization`."""
    own, changes = it_changes(site)
    if not changes and not np.any(own):
        return np.zeros(1), {}
    # every chain at its metered flows at once: a site's gear that its halls share carries all of them (s22-power)
    scales = {hall.path: metered_scale(hall, changes[hall.path]) for hall in halls(site)}
    scales[site.path] = metered_scale(site, own)
    total, per_hall, shared = np.zeros(1), {}, {}   # (`shared`: the site gear's load fractions at these scales)
    for hall in halls(site):
        per_hall[hall.path] = metered_change(hall, changes[hall.path], scales, shared)
        total = total + hall.count * per_hall[hall.path]
    return total + metered_change(site, own, scales, shared), per_hall


def facility_power_metered(site) -> np.ndarray:
    """facility_power_avg + sum over the site's chains of the change the services' draws D make there
    (`metered_changes`: facility.metered_change of each hall and of the site's own part, its chain walked at the
    metered flows: the chain losses and the cooling at the heat the services put out; the no-load losses, the
    network and every accelerator no service holds stay as facility_power_avg has them)."""
    return site.get("facility_power_avg") + metered_changes(site)[0]


def hall_power_metered(hall) -> np.ndarray:
    """A hall's share of its site's metered draw: facility_power_avg + k_h x sum over chip types t of D(t) x n_h(t) /
    n(t), n_h(t) the accelerators of type t one such hall places, n(t) the site's, k_h the hall's own slope
    (`metered_changes`). The services on type t hold accelerators of type t, so their change D(t) falls where type
    t sits, spread over those accelerators (the assumption: a service's accelerators sit where the site's
    accelerators of its type sit). Sum over halls of count x this + the site's own parts (its facility_power_avg outside its halls,
    and the change by the accelerators of each type outside its halls) = the site's facility_power_metered, exactly,
    and a hall's energy_year, opex_energy and TCO add up to the site's. A hall that holds no accelerator of a type
    a service runs on carries none of its change. (Before s18-huntnum, each type's change was spread over all the
    site's accelerators: a hall of H100 that no service held was billed a share of a GB200 service's duty cycle.)
    A hall in no site, or a site with no services (no change): its facility_power_avg."""
    base = hall.get("facility_power_avg")
    site = hall.parent
    if site is None or site.kind != "site":
        return base
    per_hall = solved_through(site, "metered_changes", _metered_changes)[1]
    return base + per_hall.get(hall.path, np.zeros(1))


def it_power_metered(ctx) -> np.ndarray:
    """The average IT power the block's workloads draw, the one the energy bill meters: it_power_avg + the change
    its site's workloads make where their chip types sit (`it_changes`: a hall its share, a site its halls' and
    its own), at least 0. The heat its plant rejects on average, hence its water (facility.water_year), and its
    PUE (facility_power_metered / this) follow it (s19-energy2: before, they stayed at the planning
    `utilization` for every accelerator, spares included, while the energy billed spares at idle)."""
    base = ctx.get("it_power_avg")
    site = ctx if ctx.kind == "site" else ctx.parent
    if site is None or site.kind != "site":
        return base
    if ctx.kind == "hall":
        per_hall = solved_through(site, "it_changes", _it_changes)[1]
        return np.maximum(base + per_hall.get(ctx.path, np.zeros(1)), 0.0)
    own, per_hall = it_changes(site)
    for hall in halls(site):
        own = own + hall.count * per_hall.get(hall.path, np.zeros(1))
    return np.maximum(base + own, 0.0)


def planning_draw_figures(site, service) -> list[str]:
    """The metered figures of `site` that count the accelerators of `service` (an inference service of it with no
    solution) at the site's planning draw (`service_draws`: its type's accelerators stay at w(t), none of them a
    spare): the site's `facility_power_metered` and `it_power_metered`, and those of each hall that places
    accelerators of the service's chip type (`it_changes` spreads a type's draw over the halls where it sits; a
    hall without it carries none). Its energy, opex, TCO, PUE, water and accelerator-hour read them (flagged
    through the graph by evaluate.infeasible_check)."""
    from .inference import Platform
    from .workloads import _definition
    paths = [f"{site.path}.facility_power_metered", f"{site.path}.it_power_metered"]
    key = id(_definition(site, Platform(service).chip.inst.block))
    for hall in halls(site):
        if key in _chip_types(site, capex=False, level=hall):
            paths += [f"{hall.path}.facility_power_metered", f"{hall.path}.it_power_metered"]
    return paths


for _kind in ("hall", "site"):
    output(_kind, "it_power_metered", "it_power_avg + the change its site's workloads make where their chip types "
           "sit (services at their duty cycles, spares at spare_utilization)")(it_power_metered)
output("site", "it_power_metered_outside_halls", "it_power_metered - sum(count * hall.it_power_metered)")(
    lambda ctx: _outside_halls(ctx, "it_power_metered"))


output("hall", "facility_power_metered", "facility_power_avg + k * sum over chip types of the site's service "
       "draws D(t) * accelerators of type t here / the site's, k its own (facility_power_avg - no-load losses) / "
       "it_power_avg: the site's service draws where their chip types sit")(
    hall_power_metered)


output("site", "facility_power_metered", "facility_power_avg + sum over its chains (each hall, its own IT) of k * "
       "the share there of sum over inference services of count * (power_avg - accelerators_held * the site's "
       "average IT power per accelerator of their type), less the accelerators no workload holds times their "
       "planning draw less their idle one (spare_utilization), by where their chip type sits, k = "
       "(facility_power_avg - no-load losses) / it_power_avg of the chain")(facility_power_metered)


def type_accelerator_hour(site) -> dict[int, tuple[str, np.ndarray, np.ndarray]]:
    """`_type_accelerator_hour`, found once per site and evaluation (`compiler.models.cached`: each workload's
    accelerator cost reads it, and each service's hour again; s25-scale)."""
    return cached(site, "type_accelerator_hour", _type_accelerator_hour)


def _type_accelerator_hour(site) -> dict[int, tuple[str, np.ndarray, np.ndarray]]:
    """Each chip type's accelerator-hour at a site (USD per accelerator-second), {id: (name, count, rate)}: the
    site's bill (tco_year) shared so that sum(count x rate) = tco_year:

        rate(t) = [capex(t) (CRF(r, life_it) + maintenance_rate)       its own systems' capital and upkeep
                   + opex_energy x average(t) / sum(average)             the site's energy by average IT power
                   + rest x peak(t) / sum(peak)] / count(t)              the rest by peak IT power
        rest    = tco_year - opex_energy - sum over types of capex (CRF + maintenance_rate): the facility's
                  depreciation and upkeep, network and optics, staff, water, land, lease, IT without accelerators

    (`_chip_types`: capex, peak and average of the systems holding each type). A site of one type: rate =
    tco_year / accelerators, its cost_per_accelerator_hour. The stated rule by which two types share the site: the
    per-watt costs (plant, building, staff per MW, energy) move an H100's hour little when a hall of GB300s is
    added; the fixed ones (land, gear placed at the site, a fabric) are spread over both by peak IT power."""
    types = energy_types(site)
    crf = it_capital_recovery(site)
    upkeep = _finance(site, "maintenance_rate", A.maintenance_rate)
    tco, energy = site.get("tco_year"), site.get("opex_energy")
    own = {key: row[2] * (crf + upkeep) for key, row in types.items()}
    rest = tco - energy - sum(own.values(), np.zeros(1))
    peak = sum((row[3] for row in types.values()), np.zeros(1))
    average = sum((row[4] for row in types.values()), np.zeros(1))
    safe = lambda x: np.where(x > 0, x, np.nan)       # noqa: E731
    out = {}
    for key, (name, count, _, p, a) in types.items():
        total = own[key] + energy * a / safe(average) + rest * p / safe(peak)
        out[key] = (name, count, total / safe(count))
    return out


def energy_types(site) -> dict[int, list]:
    """`_energy_types`, found once per site and evaluation (`compiler.models.cached`; s25-scale). Shared by its
    readers: read it, never change it."""
    return cached(site, "energy_types", _energy_types)


def _energy_types(site) -> dict[int, list]:
    """`_chip_types` with each type's average IT power as drawn: average(t) + D(t) (`service_draws`); the rows
    copied from the site's `chip_types`, which others read too."""
    types = {key: list(row) for key, row in chip_types(site).items()}
    for key, delta in service_draws(site).items():
        types[key][4] = types[key][4] + delta
    return types


def service_accelerator_hour(site, key: int, wall: np.ndarray | None) -> np.ndarray | None:
    """The accelerator-hour (USD per accelerator-second) of an inference service on chip type `key` drawing `wall`
    (its mean wall power per held accelerator, compiler.models.inference.mean_wall_per_accelerator) at the site:

        hour(s) = rate(t) + e x (w(s) - average'(t) / count(t)),   e = opex_energy / sum over types of average'(t)

    rate(t) the type's hour (type_accelerator_hour; tco_year / accelerators at a site of one type), average'(t)
    its average IT power as drawn (`_energy_types`), e the energy dollars per average IT watt: the type's energy
    share swapped for the service's own draw, so that the services' hours and those of the accelerators no service
    holds (`wall` None: at w(t), the site's planning draw; a training run's) add up to the site's tco_year:
    sum_s n(s) hour(s) + (count(t) - sum_s n(s)) hour(w(t)) = count(t) rate(t), as average'(t) = count(t) w(t) +
    sum_s n(s) (w(s) - w(t)). None where the site places no accelerator of the type."""
    types = energy_types(site)
    if key not in types:
        return None
    if wall is None:
        planning = chip_types(site)[key]
        wall = planning[4] / np.where(planning[1] > 0, planning[1], np.nan)
    hours = type_accelerator_hour(site)
    average = sum((row[4] for row in types.values()), np.zeros(1))
    safe = lambda x: np.where(x > 0, x, np.nan)       # noqa: E731
    per_watt = site.get("opex_energy") / safe(average)
    count, mine = types[key][1], types[key][4]
    rate = hours[key][2] if len(hours) > 1 else site.get("cost_per_accelerator_hour")
    return rate + per_watt * (wall - mine / safe(count))


def leased(ctx) -> bool:
    """The site (or the hall's site) rents its building and plant: it sets `colocation_price`."""
    return ctx.inherited_is_set("colocation_price")


def _priced(ctx, kinds, figure):
    total = np.zeros(1)
    for part in ctx.parts(*kinds):
        total = total + part.count * price_of(part, ctx, figure)
    return total


def _rolled(ctx, name, kinds):
    """Direct parts of `kinds` priced one by one, plus the same category of the containers inside."""
    total = _priced(ctx, kinds, name)
    for part in ctx.parts(*CONTAINERS):
        if part.has(name):
            total = total + part.count * part.get(name)
    return total


def _whole_system(ctx) -> bool:
    return ctx.kind in ("server", "rack") and ctx.is_set("price")


def _capex_it(ctx):
    if _whole_system(ctx):
        return ctx.get("price")
    if ctx.kind == "server" and not ctx.parts(*IT_PART_KINDS):
        warn_unpriced(ctx, f"{ctx.path}.capex_it")      # nothing inside to price it by
    return _rolled(ctx, "capex_it", IT_PART_KINDS)


def _network_blocks(ctx, optics: bool):
    """The switch part (capex - capex_optics) or the optics part of the network blocks placed here. The optics part
    reads only the blocks' `capex_optics`: a fabric whose switch has no price makes its `capex` incomplete, not the
    optics it prices."""
    total = np.zeros(1)
    for part in ctx.parts("network"):
        on_optics = part.get("capex_optics") if part.has("capex_optics") else np.zeros(1)
        if optics:
            total = total + part.count * on_optics
        else:
            spent = part.get("capex") if part.has("capex") else np.zeros(1)
            total = total + part.count * (spent - on_optics)
    return total


def _switch_optics(ctx, figure):
    """The transceivers placed inside the switches placed here: switch count * transceiver count * price (a switch
    has no cost figure of its own: they were counted nowhere)."""
    total = np.zeros(1)
    for switch in ctx.parts("switch"):
        for optic in switch.parts(*OPTICS_KINDS):
            total = total + switch.count * optic.count * price_of(optic, ctx, figure)
    return total


def _capex_network(ctx):
    if _whole_system(ctx):
        return np.zeros(1)
    own_optics = _switch_optics(ctx, "capex_network") if ctx.kind == "server" else 0.0   # a server has no optics figure
    return _rolled(ctx, "capex_network", NETWORK_KINDS) + _network_blocks(ctx, optics=False) + own_optics


def _capex_optics(ctx):
    if _whole_system(ctx):
        return np.zeros(1)
    return _rolled(ctx, "capex_optics", OPTICS_KINDS) + _network_blocks(ctx, optics=True) + _switch_optics(
        ctx, "capex_optics")


output("server", "capex_it", "price, else sum(count * part.price)")(_capex_it)
output("server", "capex_network", "0 when the server's price is given (its NICs are in it), else sum(count * price) "
       "of its NICs, DPUs and switches")(_capex_network)
output("server", "capex_depreciable_it", "capex_it + capex_network (a server holds no optics)")(
    lambda ctx: ctx.get("capex_it") + ctx.get("capex_network"))
for _kind in ("rack", "row", "hall", "site"):
    output(_kind, "capex_it", "price of a whole system, else sum(count * part.price)")(_capex_it)
    output(_kind, "capex_network", "sum(count * price) of switches, NICs and DPUs")(_capex_network)
    output(_kind, "capex_optics", "sum(count * price) of transceivers and cables")(_capex_optics)
    output(_kind, "capex_depreciable_it", "capex_it + capex_network + capex_optics")(
        lambda ctx: ctx.get("capex_it") + ctx.get("capex_network") + ctx.get("capex_optics"))


# Classes of plant gear (name, kinds, share of the category's per-watt plant cost). Gear placed of a
# class replaces that class's default only; every class not placed is costed at its share.
POWER_CLASSES = (("transformer", ("transformer",), A.plant_share_transformer),
                 ("switchgear", ("switchgear",), A.plant_share_switchgear),
                 ("conversion", ("ups", "rectifier"), A.plant_share_conversion),
                 ("distribution", ("pdu", "busway"), A.plant_share_distribution),
                 ("generator", ("generator",), A.plant_share_generator),
                 ("power_shelf", ("power_shelf",), None))          # in the racks: no plant default
COOLING_CLASSES = (("cdu", ("cdu",), A.plant_share_cdu), ("crah", ("crah",), A.plant_share_crah),
                   ("chiller", ("chiller",), A.plant_share_chiller),
                   ("heat_rejection", ("dry_cooler", "cooling_tower"), A.plant_share_heat_rejection),
                   ("pump", ("pump",), A.plant_share_pump))


def _gear_cost(ctx, kinds, figure, as_priced=None):
    """Priced total of the gear of `kinds` placed on this block itself: units * price, the units being
    the thermal model's count for CDUs, CRAHs, chillers and dry coolers placed without a count, times the
    installation factor (`markup`: the price is the equipment's, the capex the installed gear's) unless the part
    says its price is installed (`installed = true`). `as_priced` (a one-item list) adds the cost of the parts
    taken as written."""
    total = np.zeros(1)
    for gear in ctx.parts(*kinds):
        units = gear.count
        sized_by = _SIZED_BY_MODEL.get(gear.kind)
        if sized_by is not None and not gear.count_is_explicit:
            units = ctx.get(sized_by)
        cost = units * price_of(gear, ctx, figure)
        total = total + cost * (markup(gear, ctx, figure) if gear.kind != "power_shelf" else 1.0)
        _note_as_priced(as_priced, gear, cost)
    return total


def priced_installed(gear) -> np.ndarray:
    """1 where a plant part's `price` is already installed (`installed = true`, s16-capex: taken as written), else
    0, per scenario (a flag may differ between them: `installed = n > 0` with `n` swept)."""
    if not gear.is_set("installed"):
        return np.zeros(1)
    return (np.asarray(gear.get("installed"), dtype=float) > 0.5).astype(float)


def markup(gear, ctx, figure):
    """What a placed plant part's price is multiplied by (s16-capex, 2026-12-06):

        markup = 1                                          where the part sets `installed = true`
               = installation_factor of its category        else (its price is the equipment's)

    Two stdlib prices say they are installed (Generator_3MW, NREL REopt.jl's installed $650/kW x 1.06;
    Chiller_WC_1000ton "~$700/ton installed"); marked up they were counted twice: the flagship's 88 generators at
    the then $1.5M were 88 x $1.5M x 2.20 = $290.6M where their installed price was $132.0M. An installed-priced
    class is also left out of the equipment the factor is taken over (s17-econ2, installation_factor). The factor
    is at least 1, so marking a price up never lowers capex."""
    return np.where(priced_installed(gear) > 0.5, 1.0, installation_factor(ctx, figure == "capex_cooling"))


def _note_as_priced(as_priced, gear, cost) -> None:
    if as_priced is not None:
        as_priced[0] = as_priced[0] + cost * priced_installed(gear)


def installation_factor(ctx, cooling: bool):
    """Installed cost over equipment price of the plant gear a spec places (s15-capex; s17-econ2, 2026-12-06):

        installation_factor = P x (1 - sum of the installed-priced classes' shares) / plant_equipment_<category>,
                              at least 1

    P the plant cost per W of the category the classes not placed are estimated from (plant_cost, else
    build_cost_per_watt x critical_share; x cooling_share_of_plant or its rest), the shares those of the classes
    whose reference price is installed (assumptions PLANT_INSTALLED_CLASSES: the generator; none in cooling), and
    plant_equipment_<category> the equipment per W of IT the other classes were priced on (the stdlib's prices per
    kW with their redundancy, assumptions PLANT_REFERENCE). Defaults: power 3.7206 x (1 - 0.2037) / 1.1404 =
    2.5979, cooling 2.4804 / 0.7183 = 3.4533. So the two readings of the same gear are one model: the units a
    class's estimate implies, placed at the equipment price it implies, cost the estimate, and an installed price
    is counted neither marked up nor in the equipment the factor is taken over (s17-econ2: before, the generator's
    earlier $500/kW x 1.1 sat in the power equipment, 1.690 $/W, factor 2.2015). At least 1: a plant cost per W
    below its equipment's does not discount the gear a spec prices. Assumption: one factor per category (the build
    cost's split of installation between classes is not published); power shelves, in the racks, are not plant
    gear and are priced as written."""
    equipment = A.plant_equipment_cooling if cooling else A.plant_equipment_power
    by_name = {name: share for name, _, share in (COOLING_CLASSES if cooling else POWER_CLASSES)}
    installed = sum((ctx.get(by_name[c].name, by_name[c]) for c in A.PLANT_INSTALLED_CLASSES[
        "cooling" if cooling else "power"]), np.zeros(1))
    return np.maximum(_plant_share(ctx, cooling) * (1.0 - installed) / ctx.get(equipment.name, equipment), 1.0)


def _placed_above(ctx, kinds) -> bool:
    level = ctx.parent
    while level is not None:
        if level.parts(*kinds):
            return True
        level = level.parent
    return False


def _plant_share(ctx, cooling: bool):
    share = ctx.get("cooling_share_of_plant", A.cooling_share_of_plant)
    per_watt = ctx.inherited("plant_cost", None) if ctx.inherited_is_set("plant_cost") else \
        ctx.get("build_cost_per_watt", A.build_cost_per_watt) * ctx.get("critical_share", A.critical_share)
    return per_watt * (share if cooling else 1 - share)


def _rack_shelves(ctx, figure):
    """The power shelves in the racks placed here (directly or in rows), units * price: racks have no power figure
    of their own, so their shelves are power gear of the hall or site (none in a rack priced as a whole: in it)."""
    total = np.zeros(1)
    racks = [(rack, rack.count) for rack in ctx.parts("rack")]
    racks += [(rack, row.count * rack.count) for row in ctx.parts("row") for rack in row.parts("rack")]
    for rack, units in racks:
        if not _whole_system(rack):
            for shelf in rack.parts("power_shelf"):
                total = total + units * shelf.count * price_of(shelf, ctx, figure)
    return total


def _row_gear(ctx, kinds, figure, served: str = "it_power", as_priced=None):
    """(priced total, IT power) of the rows and racks placed here (racks directly or in rows) that place gear of
    `kinds` (rows: PDUs, busways, rectifiers, CDUs, CRAHs; racks: PDUs, CDUs): count x units x price x `markup`, and the IT
    the rows hold (`served`: their it_power, or the heat_liquid a CDU class serves, the heat_air a CRAH class
    serves), which their gear serves in place of the class's estimate. A rack's gear serves in no one's place: its
    PDU is a stage after the block's (or row's) and the block's CDUs are sized for its heat, so its IT stays in
    the estimate. A rack priced as a whole holds its gear in its price."""
    cost, it = np.zeros(1), np.zeros(1)
    kinds = tuple(k for k in kinds if k in ("pdu", "busway", "rectifier", "cdu", "crah"))   # shelves: _rack_shelves
    if not kinds:
        return cost, it

    def racks(holder, times):
        nonlocal cost
        for rack in holder.parts("rack"):
            gear = rack.parts(*kinds)
            if gear and not _whole_system(rack):
                for g in gear:
                    part = times * rack.count * g.count * price_of(g, ctx, figure)
                    cost = cost + part * markup(g, ctx, figure)
                    _note_as_priced(as_priced, g, part)

    racks(ctx, 1.0)
    for row in ctx.parts("row"):
        gear = row.parts(*kinds)
        if gear:
            for g in gear:
                part = row.count * g.count * price_of(g, ctx, figure)
                cost = cost + part * markup(g, ctx, figure)
                _note_as_priced(as_priced, g, part)
            it = it + row.count * row.get(served)
        racks(row, row.count)
    return cost, it


# The heat path each cooling class carries (the thermal model's: compiler.models.facility `_cdus_own`, `_crahs_own`)
# and the share of the reference hall's heat on it (assumption plant_reference_liquid_fraction, 0.85 to liquid):
# its estimate is per W of that heat; the other classes (chillers, heat rejection, pumps) carry all the heat.
_HEAT_PATH = {"cdu": ("heat_liquid", lambda f: f), "crah": ("heat_air", lambda f: 1 - f)}


def _plant(ctx, classes, name, cooling):
    """Halls' figures, plus per class: the gear of the class placed here (priced), nothing when an
    ancestor places it (priced there), else its duty * plant cost per W * category share * class share * `_sized`
    (the duty: own IT; the CDUs' and CRAHs' heat paths below; the chillers' compressor_heat; the heat rejection's
    own IT on dry coolers or towers, its economizer_heat on air-cooled chillers, s24-capex2).
    Power adds the power shelves of the racks placed here (`_rack_shelves`), leased or not (the tenant's racks).

    The CDU and CRAH classes follow the heat path the thermal model sizes them for (s14-cfo2, 2026-12-06):
        CDU  estimate = own heat_liquid * plant cost per W * cooling share * plant_share_cdu / f
        CRAH estimate = own heat_air    * plant cost per W * cooling share * plant_share_crah / (1 - f)
    f = plant_reference_liquid_fraction 0.85, the reference hall the shares are priced on (187 / 718 of its cooling
    plant in CDUs for 85% of its heat, 66 / 718 in CRAHs for 15%); own heat = the block's less its halls' and less
    the rows' and racks' that place the class (`_row_gear`). At 85% liquid the estimate is the one before; air-only
    heat buys no CDUs (the flagship's 21 MW of network outside its halls was charged $13.5M of CDUs, where the
    thermal model sizes none; its CRAHs $4.7M, at 0.09 of all its IT for heat that is all air).
    A site whose halls place priced CDUs or CRAHs prices its own heat on that path by unit count instead
    (s15-money): the units thermal.units_needed sizes for it x their capacity x the halls' price per W of capacity
    (`_halls_unit_price`, `_units_at`), so the units the report counts outside the halls cost what the halls'
    units cost."""
    total = _rack_shelves(ctx, name) if not cooling else np.zeros(1)
    if leased(ctx):
        return total                  # the lessor's plant: rented in opex_lease, not bought
    terms = {"power_shelves": total} if not cooling else {}      # what each part adds, for the report (_terms)
    own_it = ctx.get("it_power")
    for hall in halls(ctx):
        total = total + hall.count * hall.get(name)
        terms["halls"] = terms.get("halls", np.zeros(1)) + hall.count * hall.get(name)
        own_it = own_it - hall.count * hall.get("it_power")
    per_watt = None
    as_priced = [np.zeros(1)]       # the placed parts priced installed (`installed = true`): taken as written
    estimated = np.zeros(1)         # the classes not placed here or above: their estimates (s24-capex)
    unpriced = ctx.ev.unpriced.setdefault(f"{ctx.path}.{name}", []) if hasattr(ctx, "ev") else []
    counted = {}                    # class -> the parts without a price it counts as $0 (their warnings name it)
    for class_name, kinds, share in classes:
        before, known, total = total, len(unpriced), np.zeros(1)     # this class's term alone, then added
        if class_name == "heat_rejection":
            unused = [gear for gear in ctx.parts(*kinds) if gear.kind != ctx.inherited_text("heat_rejection", "chiller")]
            total = total + _unused_heat_rejection(ctx, unused, name, as_priced)
            kinds = tuple(k for k in kinds if k == ctx.inherited_text("heat_rejection", "chiller"))
        path = _HEAT_PATH.get(class_name) if cooling else None
        served = path[0] if path is not None else "it_power"
        row_cost, row_it = _row_gear(ctx, kinds, name, served, as_priced) if kinds else (np.zeros(1), np.zeros(1))
        total = total + row_cost
        if kinds and ctx.parts(*kinds):
            total = total + _gear_cost(ctx, kinds, name, as_priced)
        elif share is not None and not _placed_above(ctx, kinds):
            per_watt = _plant_share(ctx, cooling) if per_watt is None else per_watt
            base, weight = own_it, np.ones(1)
            if path is not None:
                liquid, air = direct_heat(ctx, peak=True)
                base = liquid if path[0] == "heat_liquid" else air
                unit = _halls_unit_price(ctx, kinds)
                if unit is not None:          # the units the thermal model sizes, at the price its halls pay
                    total = total + _units_at(ctx, kinds[0], np.maximum(base - row_it, 0.0)) * unit[0]
                    as_priced[0] = as_priced[0] + _units_at(ctx, kinds[0], np.maximum(base - row_it, 0.0)) * unit[1]
                    estimated = estimated + total - row_cost
                    terms[class_name], total = total, before + total
                    counted[class_name] = unpriced[known:]
                    continue
                reference = ctx.get(A.plant_reference_liquid_fraction.name, A.plant_reference_liquid_fraction)
                weight = 1.0 / path[1](reference)
            elif class_name == "chiller":
                base = compressor_heat(ctx)           # the heat the thermal model sizes chillers for (no free cooling)
            elif class_name == "heat_rejection" and ctx.inherited_text("heat_rejection", "chiller") == "chiller":
                base = economizer_heat(ctx)   # air-cooled chillers reject the compressor loops' heat themselves
            duty = np.maximum(base - row_it, 0.0)
            estimate = duty * per_watt * ctx.get(share.name, share) * weight * _sized(ctx, class_name, cooling, duty)
            total, estimated = total + estimate, estimated + estimate
        terms[class_name], total = total, before + total
        counted[class_name] = unpriced[known:]
    _terms(ctx, name, terms, counted)
    _share_term(ctx, name, "priced_installed", as_priced[0], "(its own gear, not its halls') priced installed as "
                "written (installed = true: not x the installation factor)")
    _share_term(ctx, name, "estimated", estimated, "(its own, not its halls') estimated: the classes of gear "
                "placed neither here nor above, the reference plant's cost per W sized to their duty [U]")
    _with_halls(ctx, name, [part for part in terms if part != "halls"] + ["priced_installed", "estimated"])
    return total


def _sized(ctx, class_name: str, cooling: bool, duty):
    """What an unplaced class's per-W estimate is multiplied by so that it prices the gear the models would size
    for its `duty` (s24-capex, 2026-12-07):

        sized = r x min(1, U x k / (m x duty))        (1 where the duty is 0)

    r: the reference row's $/W of IT for the block's `distribution` over the AC row's, 1 but on dc800, where the
       power model's conversion and distribution stages are a rectifier and a busway (facility _DEFAULT_STAGE), not
       a UPS and a PDU: conversion ($250k / 1 MW x 1.1) / ($500k / 1.25 MVA x 1.1) = 0.625, distribution ($50k /
       575.0 kW x 2) / ($60k / 300 kVA x 2) = 0.4348 (assumptions PLANT_REFERENCE_DC800; both prices the stdlib's
       [U]); on heat_rejection "cooling_tower", where the thermal model's chillers are water-cooled on the towers,
       chiller ($494,428 / 3.517 MW x 1.1) / ($367,303 / 1.758 MW x 1.1) = 0.6731, heat rejection ($215,746 / 5 MW x
       1.1) / ($150k / 1 MW x 1.1) = 0.2877 (assumptions PLANT_REFERENCE_TOWER; RSMeans 2022 [S], s24-capex2).
       The installation factor is the category's either way, so the estimate is those parts installed.
    k, m: the row's unit capacity and units bought per unit needed (N+1: 1.1, 2N: 2), the allowance the class's
       share was priced on (assumptions PLANT_REFERENCE).
    U: the whole units of k the duty needs with that redundancy (thermal.unit_count, as units_needed counts them): N+1
       ceil(duty / k) + 1, 2N 2 ceil(duty / k). Where U x k is below m x duty (N+1 over about ten units) the class
       is priced on those units: a large plant's N+1 spare is under 10% of it. Below, the allowance stands (a small
       room's 1 + 1 units are read as units sized to its load, s17-small: no fixed part, the same $/W).
    Before, every unplaced class was its share of the reference hall's plant per W at the 1.1 allowance and the
    AC parts: removing the flagship's 52 placed 1 MW rectifiers of each hall (52 x $250k x 2.6995 = $35.09M a hall)
    replaced them by 50.38 MW x 3.7206 $/W x 0.3072 = $57.57M of UPS; its placed CRAHs (52 of 150 kW, $11.61M a
    hall) by 7.557 MW x 1.1 x $400/kW x 3.7213 = $12.37M. Now $35.09M and $11.61M: the same units."""
    category = "cooling" if cooling else "power"
    variant = ctx.inherited_text("heat_rejection", "chiller") if cooling else ctx.inherited_text("distribution", "ac")
    row = A.reference_row(category, class_name, variant)
    ac = A.reference_row(category, class_name)
    ratio = (row[2] / row[3] * row[4]) / (ac[2] / ac[3] * ac[4])
    capacity, per_needed = row[3], row[4]
    units = unit_count(duty, capacity, None if per_needed >= 2 else 1.0)
    allowance = per_needed * duty
    return ratio * np.where(duty > 0, np.minimum(allowance, units * capacity) / np.where(duty > 0, allowance, 1.0), 1.0)


def _with_halls(ctx, name, parts) -> None:
    """Each class of capex_power / capex_cooling over the whole block, `<block>.detail.<name>_<part>_with_halls`
    (USD): its own term `<name>_<part>` + sum over its halls of the hall's `<name>_<part>_with_halls` x the hall's
    count (a hall's: its own term). Summed over the classes they give capex_power / capex_cooling (the halls' term
    spread over its classes); the report's plant note prints them (report_sections `_plant_parts`), and
    `priced_installed` the same way, the share of them priced installed as written. A hall that holds no such
    term (leased: its lessor's plant) adds 0."""
    if not hasattr(ctx, "intermediate"):
        return
    values = ctx.ev.values
    for part in parts:
        value = values.get(f"{ctx.inst.path}.detail.{name}_{part}")
        if value is None:
            continue
        inputs = [f"{ctx.inst.path}.detail.{name}_{part}"]
        for hall in halls(ctx):
            theirs = f"{hall.path}.detail.{name}_{part}_with_halls"
            if values.get(theirs) is not None:
                value = value + hall.count * values[theirs]
                inputs.append(theirs)
        value = np.asarray(value, dtype=float).reshape(-1)
        missing = ~np.isfinite(value)
        if np.any(missing):
            ctx.ev.declare_absent(f"{ctx.inst.path}.detail.{name}_{part}_with_halls", None, missing,
                                  f"`{ctx.path}.{name}` has no value there")
        ctx.intermediate(f"{name}_{part}_with_halls", value, "USD",
                         f"the part of {name} for its {part.replace('_', ' ')}, its own and its halls' x their "
                         "counts", inputs=inputs, read=False)      # beside the figure, not a term of it


def _share_term(ctx, name, part, value, what) -> None:
    """`<block>.detail.<name>_<part>` (USD), a share of the figure's own terms, not one of its adding terms
    (`_terms`), for the report and JSON: `priced_installed`, its placed gear whose price is installed (`installed =
    true`), taken as written rather than x the installation factor (s16-capex); `estimated`, its classes that no
    gear is placed for, here or above (s24-capex): the estimate, flagged as one. 0 where none is."""
    if not hasattr(ctx, "intermediate"):
        return
    value = np.asarray(value, dtype=float).reshape(-1)
    missing = ~np.isfinite(value)
    if np.any(missing):
        ctx.ev.declare_absent(f"{ctx.inst.path}.detail.{name}_{part}", None, missing,
                              f"`{ctx.path}.{name}` has no value there")
    ctx.intermediate(f"{name}_{part}", value, "USD", f"the part of {name} {what}")


def _terms(ctx, name, terms, counted=None) -> None:
    """Each part of capex_power / capex_cooling as `<block>.detail.<name>_<part>` (USD): the halls' sum, each
    class (placed gear at its price, or its estimate), the racks' power shelves, every one of them (0 where the
    class costs nothing here: the same terms in a sweep as in its runs one at a time); absent, with the reason,
    in a scenario where the figure has no value (a count that is not whole upstream: its error says why). They
    add up to the figure, so the report's basis can print them (s15-money: the
    enterprise starter's cooling plant read 'estimated per W of IT', 67.02 kW x 2.48 $/W = $166k, where the
    model's $208k holds its CRAHs at 0.6 of the plant cost per W of air heat)."""
    if not hasattr(ctx, "intermediate"):
        return
    for part, value in terms.items():
        value = np.asarray(value, dtype=float).reshape(-1)
        missing = ~np.isfinite(value)
        if np.any(missing):               # absent there, no error of its own (inst None: not a workload's)
            ctx.ev.declare_absent(f"{ctx.inst.path}.detail.{name}_{part}", None, missing,
                                  f"`{ctx.path}.{name}` has no value there")
        # the halls' term is their figures (an unpriced part inside a hall flags it through them); a class's term
        # is flagged by its own parts' warnings (name_unpriced_part), so a priced class's term never is
        inputs = [f"{hall.path}.{name}" for hall in halls(ctx)] if part == "halls" else []
        ctx.intermediate(f"{name}_{part}", value, "USD", f"the part of {name} for its {part.replace('_', ' ')}",
                         inputs=inputs)
        if counted and counted.get(part):          # a class counting a part without a price: its warning names it
            name_unpriced_part(ctx.ev, counted[part], f"{ctx.inst.path}.detail.{name}_{part}")


def _halls_unit_price(ctx, kinds):
    """The installed price per W of capacity of the CDUs or CRAHs (`kinds`) a site's halls place with a price and
    a capacity, weighted by the units each buys (hall count x its units: the thermal model's count where the
    gear is placed without one): sum(units x price x markup) / sum(units x capacity), and the part of it priced
    installed as written (`installed = true`, markup 1); None where no hall places one (a hall, or a site whose
    halls leave the class to the estimate)."""
    money, written, watts = np.zeros(1), np.zeros(1), np.zeros(1)
    found = False
    for hall in halls(ctx):
        for gear in hall.parts(*kinds):
            if not (gear.is_set("price") and gear.is_set("capacity")):
                continue
            found = True
            units = gear.count
            sized_by = _SIZED_BY_MODEL.get(gear.kind)
            if sized_by is not None and not gear.count_is_explicit:
                units = hall.get(sized_by)
            units = np.maximum(hall.count * units, 1e-12)   # a hall that sizes none still names the unit's price
            money = money + units * gear.get("price") * markup(gear, ctx, "capex_cooling")
            written = written + units * gear.get("price") * priced_installed(gear)
            watts = watts + units * gear.get("capacity")
    return (money / watts, written / watts) if found else None


def _units_at(ctx, kind, load):
    """The units of `kind` the thermal model sizes for `load` here (thermal.units_needed: ceil(load / capacity)
    + spares, the capacity `cdu_capacity` / `crah_capacity` where no CDU or CRAH is placed here or above) times
    that capacity: the watts of units bought."""
    default = {"cdu": A.cdu_capacity, "crah": A.crah_capacity}[kind]
    return units_needed(ctx, kind, load, default) * ctx.get(f"{kind}_capacity", default)


def _unused_heat_rejection(ctx, gear_placed, figure, as_priced=None):
    """Dry coolers or cooling towers placed where the block's `heat_rejection` is another kind: the model rejects
    no heat through them (their fans, water and sizing are the chosen kind's), so they do not replace the heat-
    rejection class's estimate; what the spec buys is priced (units x price: its count, 0 for a dry cooler
    placed without one, which the model sizes to the heat it rejects, none here) and a `no-effect` warning
    says so. Placing them dropped the estimate for $0 before (a dry cooler at a chiller site: capex_cooling of
    8 DGX H100 racks $692k -> $533k, exit 0)."""
    from dsl.diagnostics import Code
    total = np.zeros(1)
    mode = ctx.inherited_text("heat_rejection", "chiller")
    for gear in gear_placed:
        units = gear.count if gear.count_is_explicit or gear.kind != "dry_cooler" else np.zeros(1)
        cost = units * price_of(gear, ctx, figure)
        total = total + cost * markup(gear, ctx, figure)
        _note_as_priced(as_priced, gear, cost)
        message = (f"{gear.kind} `{gear.path}` rejects no heat here: `{ctx.path}` rejects its heat by {mode} "
                   f"(heat_rejection); the units written are priced, but no cooling figure uses them")
        sink = ctx.ev.sink
        if not any(d.code == Code.NO_EFFECT and d.message == message for d in sink.items):
            sink.warning(Code.NO_EFFECT, message, gear.inst.block.name_span,
                         help=f'set `heat_rejection = "{gear.kind}"` on `{ctx.path}` to reject its heat through '
                              f'them, or remove them')
    return total


def _building(ctx):
    total = np.zeros(1)
    if leased(ctx):
        return total                  # the lessor's building: rented in opex_lease, not bought
    inner_it = np.zeros(1)
    for hall in halls(ctx):
        total = total + hall.count * hall.get("capex_building")
        inner_it = inner_it + hall.count * hall.get("it_power")
    if ctx.inherited_is_set("shell_cost"):
        per_watt = ctx.inherited("shell_cost", None)
    else:
        per_watt = ctx.get("build_cost_per_watt", A.build_cost_per_watt) * (1 - ctx.get("critical_share",
                                                                                          A.critical_share))
    return total + (ctx.get("it_power") - inner_it) * per_watt


def _finance(ctx, name, default):
    level = ctx
    while level is not None:
        for block in level.parts("finance"):
            if block.is_set(name):
                return block.get(name)
        level = level.parent
    return ctx.get(default.name, default)


def _crf(rate, life):
    """Capital recovery factor per second: r / (1 - (1 + r)^-n) with r and n per year; 1/n when r = 0.
    1 - (1 + r)^-n is computed as -expm1(-n log1p(r)): written out it cancels to nothing for a small r (at r =
    1e-15 a year over 5 years it charged 0.18 of the capital a year, not 0.2: below straight-line)."""
    r_year = rate * A.YEAR
    n_year = life / A.YEAR
    with np.errstate(divide="ignore", invalid="ignore"):
        annuity = np.where(r_year > 0, r_year / -np.expm1(-n_year * np.log1p(r_year)), 1 / n_year)
    return annuity / A.YEAR


def it_capital_recovery(ctx):
    """The share of an IT purchase paid back per second: CRF(r, life_it) / year, r = `discount_rate` and life_it =
    `depreciation_it` of the nearest `finance` block of the block or an ancestor, else the assumptions' (discount
    rate 0 by default: straight-line, 1 / life_it). The one formula of every IT capital cost: a site's or hall's
    depreciation_it_year and a workload's own accelerator-hour where no site TCO prices it
    (compiler.models.inference.accelerator_cost), so one chip at one price and one finance block costs the same
    capital per hour with or without a site around it.
    Example: $30,000 chip, 5-year life, 8%: CRF = 0.08 / (1 - 1.08^-5) = 0.08 / 0.319417 = 0.250456 a year,
    $7,513.69 a year, $0.857727 an hour (8,760 h a year); straight-line (r = 0) $6,000 a year, $0.684932 an hour."""
    rate = _finance(ctx, "discount_rate", A.discount_rate)
    return _crf(rate, _finance(ctx, "depreciation_it", A.depreciation_it))


def _depreciation_it(ctx):
    return ctx.get("capex_depreciable_it") * it_capital_recovery(ctx)


def _depreciation_facility(ctx):
    facility = ctx.get("capex_depreciable_facility")
    rate = _finance(ctx, "discount_rate", A.discount_rate)
    return facility * _crf(rate, _finance(ctx, "depreciation_facility", A.depreciation_facility))


def _land_capital(ctx):
    """r * capex_land: the yearly cost of the capital held in land, r the `discount_rate` of the nearest finance
    block (else the assumption's, 0). Land is not depreciated (module docstring, land_capital_year)."""
    return _finance(ctx, "discount_rate", A.discount_rate) * ctx.get("capex_land")


def _staff(ctx):
    """opex_staff: the `staff_cost` of the block's own finance block (a site's: the whole site's staff); in a hall of
    a site whose finance sets it, the hall's share of it by IT power, staff_cost x it_power / the site's it_power
    (so its halls' add up to the site's, as the per-MW default does); else staff_per_mw x it_power.
    Example: a site's $1M a year over halls of 67.0 kW and 2 x 16.8 kW of IT (100.5 kW): the big hall $666,667 a
    year, each small one $166,667. Before (s20-hunt, 2026-12-06) a hall charged staff_per_mw ($60,000 per MW) even
    under a site's staff_cost, so its tco_year and cost_per_accelerator_hour left out the staff the site pays for
    ($4,021 a year of the $1M for the big hall)."""
    level = ctx
    while level is not None:
        for block in level.parts("finance"):
            if block.is_set("staff_cost"):
                if level is ctx:
                    return block.get("staff_cost")
                whole = level.get("it_power")
                return block.get("staff_cost") * ctx.get("it_power") / np.where(whole > 0, whole, np.inf)
        level = level.parent
    return ctx.get("it_power") * ctx.get("staff_per_mw", A.staff_per_mw)


CAPEX_PARTS = ("capex_it", "capex_network", "capex_optics", "capex_power", "capex_cooling", "capex_building",
               "capex_land")
OPEX_PARTS = ("opex_energy", "opex_maintenance", "opex_staff", "opex_water")


def _lease(ctx):
    if not leased(ctx):
        ctx.not_applicable()
    return ctx.inherited("colocation_price") * ctx.get("it_power")


def _land(ctx):
    """The site's `land_price` plus its halls' (0: a hall's land is its site's). A site that places IT and gives no
    land price counts its land as $0 with an `unpriced` warning naming `capex_land` (so `capex` and `cost_per_mw`
    are incomplete), as an unpriced part is; none for a site that leases (`colocation_price`: the lessor's land)
    or places no IT (a site of workloads only: no building to stand anywhere). A leased site buys no land: its
    lease rents the building, its power and cooling plant and the land under them, so its `land_price` counts $0
    and gets a `no-effect` warning, as its `shell_cost` and `plant_cost` do (the building and plant are rented too:
    capex_building = capex_power = capex_cooling = 0) (s19-plancolo: a $5M land price on a leased site of $0.4M of servers made its
    capex $5.4M, on top of the rent, exit 0)."""
    total = sum((h.count * h.get("capex_land") for h in halls(ctx)), np.zeros(1))
    if ctx.kind != "site":
        return total
    if leased(ctx):
        for field, what in (("land_price", "its land"), ("shell_cost", "its building shell"),
                            ("plant_cost", "its power and cooling plant")):
            _warn_leased_field(ctx, field, what)
        return total
    if ctx.is_set("land_price"):
        return total + ctx.get("land_price")
    placing = ctx.get("it_power") > 0
    if not leased(ctx) and np.any(placing):
        warn_unpriced_field(ctx, "land_price", f"{ctx.path}.capex_land", "its land", where=placing)
    return total


def _warn_leased_field(ctx, field: str, what: str) -> None:
    """A `no-effect` warning at `field` of a leased site (it sets `colocation_price`), where the spec sets it: the
    lease replaces `what` the field prices, so the field counts $0."""
    from dsl.diagnostics import Code
    if not ctx.is_set(field):
        return
    node = ctx.ev.graph.nodes[f"{ctx.path}.{field}"]
    lessor = ctx._nearest("colocation_price")
    where = lessor.path if lessor is not None else ctx.path
    ctx.ev.sink.warning(Code.NO_EFFECT, f"`{ctx.path}.{field}` changes nothing here: `{where}` leases "
                        f"(colocation_price), and the lease rents {what}, so it counts $0 in the capex",
                        node.span or ctx.inst.block.name_span,
                        help=f"remove `{field}` (or `colocation_price`, to own the site)")


def _per(ctx, numerator: str, denominator: str, why: str):
    """numerator / denominator. A block whose denominator is 0 in every scenario has no such figure at all (a
    site of pure workloads has no cost per accelerator-hour: not applicable, like tokens/s where nothing is
    served); in a sweep where only some scenarios have 0, the figure is absent there, with the reason."""
    den = ctx.get(denominator)
    if np.all(den == 0):
        ctx.not_applicable()
    if np.any(den == 0):
        ctx.absent(den == 0, f"`{ctx.path}` has no {numerator} per {denominator}: {why}")
    return ctx.get(numerator) / np.where(den == 0, np.nan, den)


for _kind in ("hall", "site"):
    output(_kind, "capex_power", "sum(count * price) of the power gear placed * installation factor (plant cost per W of power * "
           "(1 - plant_share_generator, the installed-priced class) / plant_equipment_power, at least 1; 1 for a part with installed = true and for power shelves) + for each class not placed own it_power * "
           "plant cost per W (plant_cost, else build_cost_per_watt * critical_share) * (1 - cooling_share_of_plant) * "
           "class share * sized (dc800: the rectifier's and busway's $/W over the UPS's and PDU's; N+1: min(1, "
           "(ceil(duty / unit) + 1) * unit / (1.1 * duty)))")(
        lambda ctx: _plant(ctx, POWER_CLASSES, "capex_power", cooling=False))
    output(_kind, "capex_cooling", "sum(units * price) of the cooling gear placed * installation factor (plant cost per W of "
           "cooling / plant_equipment_cooling, at least 1; 1 for a part with installed = true) + for each class not placed own "
           "it_power (CDUs: own heat_liquid / plant_reference_liquid_fraction; CRAHs: own heat_air / (1 - "
           "plant_reference_liquid_fraction); chillers: own heat on loops that need compressors at the design ambient; "
           "heat rejection: own heat on loops that cool freely at the design ambient where heat_rejection is chiller, "
           "whose air-cooled chillers reject the rest) * "
           "plant cost per W (plant_cost, else build_cost_per_watt * critical_share) * cooling_share_of_plant * class "
           "share * sized (cooling_tower: the water-cooled chiller's and tower's $/W over the air-cooled chiller's and "
           "dry cooler's; N+1: min(1, (ceil(duty / unit) + 1) * unit / (1.1 * duty))); a site's own CDUs and CRAHs where its halls "
           "place priced ones: the units sized x capacity x the halls' price per W of capacity x installation factor")(
        lambda ctx: _plant(ctx, COOLING_CLASSES, "capex_cooling", cooling=True))
    output(_kind, "capex_building", "it_power * shell_cost (else build_cost_per_watt * (1 - critical_share))")(
        _building)
    output(_kind, "capex_land", "land_price (a site's; none is $0 with an `unpriced` warning; 0 where it leases)")(
        _land)
    output(_kind, "capex", " + ".join(CAPEX_PARTS))(
        lambda ctx: sum((ctx.get(name) for name in CAPEX_PARTS), np.zeros(1)))
    output(_kind, "capex_depreciable_facility", "capex_power + capex_cooling + capex_building")(
        lambda ctx: ctx.get("capex_power") + ctx.get("capex_cooling") + ctx.get("capex_building"))
    output(_kind, "capex_maintained", "capex - capex_building - capex_land")(
        lambda ctx: ctx.get("capex") - ctx.get("capex_building") - ctx.get("capex_land"))
    output(_kind, "capex_building_per_watt", "capex_building / it_power")(
        lambda ctx: _per(ctx, "capex_building", "it_power", "it has no IT power"))
    output(_kind, "depreciation_it_year", "capex_depreciable_it * CRF(rate, depreciation_it)")(
        _depreciation_it)
    output(_kind, "depreciation_facility_year", "capex_depreciable_facility * "
           "CRF(rate, depreciation_facility)")(_depreciation_facility)
    output(_kind, "depreciation_year", "depreciation_it_year + depreciation_facility_year")(
        lambda ctx: ctx.get("depreciation_it_year") + ctx.get("depreciation_facility_year"))
    output(_kind, "land_capital_year", "discount_rate * capex_land (land is not depreciated; its capital earns "
           "the discount rate)")(_land_capital)
    output(_kind, "opex_energy", "facility_power_metered * electricity_price")(
        lambda ctx: ctx.get("facility_power_metered")
        * ctx.inherited("electricity_price", A.electricity_price))
    output(_kind, "opex_maintenance", "maintenance_rate * capex_maintained")(
        lambda ctx: _finance(ctx, "maintenance_rate", A.maintenance_rate) * ctx.get("capex_maintained"))
    output(_kind, "opex_staff", "staff_cost (a hall: its site's staff_cost * it_power / the site's it_power), "
           "else staff_per_mw * it_power")(_staff)
    output(_kind, "opex_water", "water_year * water_price / 1 yr")(
        lambda ctx: ctx.get("water_year") * ctx.inherited("water_price", A.water_price) / A.YEAR)
    output(_kind, "opex_lease", "colocation_price * it_power (where the site leases)")(_lease)
    output(_kind, "opex", " + ".join(OPEX_PARTS) + " (+ opex_lease where the site leases)")(
        lambda ctx: sum((ctx.get(name) for name in OPEX_PARTS), np.zeros(1))
        + (ctx.get("opex_lease") if leased(ctx) else 0.0))
    output(_kind, "tco_year", "depreciation_year + land_capital_year + opex")(
        lambda ctx: ctx.get("depreciation_year") + ctx.get("land_capital_year") + ctx.get("opex"))
    output(_kind, "cost_per_accelerator_hour", "tco_year / accelerators")(
        lambda ctx: _per(ctx, "tco_year", "accelerators", "it places no accelerators"))
    output(_kind, "cost_per_mw", "capex / it_power")(
        lambda ctx: _per(ctx, "capex", "it_power", "it has no IT power"))


# ------------------------------------------------------------------ bill of materials
BOM_KINDS = ("rack", "server", "chip", "cpu", "memory", "storage", "switch", "nic", "dpu", "transceiver", "cable")
_PEAK_FIELD = {"chip": "peak_power", "cpu": "peak_power", "server": "peak_power", "rack": "it_power"}


def _quantity(ctx):
    """count * the counts of the blocks it is in, up to the top; none for a definition on its own."""
    if ctx.parent is None:
        ctx.not_applicable()
    total, level = np.ones(1), ctx
    while level is not None:
        total = total * level.count
        level = level.parent
    return total


def _bom_total(field_of):
    def compute(ctx):
        name = field_of(ctx.kind)
        if ctx.parent is None or not ctx.has(name):                 # no price or power given
            ctx.not_applicable()
        return ctx.get("quantity") * ctx.get(name)
    return compute


def _total_price(ctx):
    """quantity * price; none for a part inside a server or rack priced as a whole, whose price already holds it:
    its price is not a cost of its own (the capex counts the system's price). Not applicable there, as for a part
    with no price given (`_bom_total`): no value, never a NaN."""
    if priced_system_above(ctx) is not None:
        ctx.not_applicable()
    return _bom_total(lambda kind: "price")(ctx)


for _kind in BOM_KINDS:
    output(_kind, "quantity", "count * the counts of the blocks it is in")(_quantity)
    output(_kind, "total_price", "quantity * price; none inside a server or rack priced as a whole")(_total_price)
    output(_kind, "total_power", "quantity * peak power (peak_power, it_power or power)")(
        _bom_total(lambda kind: _PEAK_FIELD.get(kind, "power")))
