"""The models: each formula the calculators use, written once, as pure functions with worked examples.

- :mod:`.storage`: what keeping data costs, by the hour of a monthly price or for whole months, and moving it.
- :mod:`.interruptions`: spot interruptions, checkpoints and restarts (Young 1974, Daly 2006).
- :mod:`.training`: FLOPs, training time, memory fit and the time-cost frontier of a transformer run.
- :mod:`.lines`: straight cost lines and where two of them cross.
- :mod:`.machines`: what pricing.json says about a machine (GPUs, peaks, prices), read in one place.
- :mod:`.offers`: ways to pay for a plan of machines: by the hour, in capacity blocks, by commitment.
- :mod:`.comparison`: how costs compare: each part's share of a total, a saving as a share, a change.
- :mod:`.images`: container images in a registry: the space they take, what pulling them costs.
- :mod:`.platforms`: one job on a platform that bills start-up, failed starts and slower workers, less a credit.
- :mod:`.ownership`: owning a desktop against renting: its net price and power, when it pays off, in calendar days.
- :mod:`.history`: a job's cost at each dated price, and where a date sits on a year axis.

A calculator page declares inputs, calls models and presents the results; it never imports
another page.
"""
