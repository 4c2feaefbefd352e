#!/usr/bin/env python3
"""The CUBA network of bench/cuba.go in Brian2's C++ standalone mode.

Usage: cuba_brian2.py UNITS DURATION_S DT_MS SEED BUILD_DIR

Prints one JSON line: the loop time Brian2's generated main measures
(results/last_run_info.txt), the spikes and the mean rate. The network is
Brian2's own CUBA example (Brette et al. 2007), at 80 synapses per unit
whatever the size, as the library's benchmark builds it: v' = (ge + gi −
(v − El))/τm, ge' = −ge/τe, gi' = −gi/τi, v > Vt → v = Vr, 5 ms refractory.
Needs Brian2 (Debian: python3-brian) and a C++ compiler (g++).
"""
import json
import sys

from brian2 import (NeuronGroup, Synapses, SpikeMonitor, device, defaultclock, mV, ms, run,
                    second, seed as brian_seed, set_device, prefs)


def main():
    n, duration, dt, seed, build_dir = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
    set_device('cpp_standalone', directory=build_dir, build_on_run=False)
    prefs.devices.cpp_standalone.openmp_threads = 0
    brian_seed(seed)
    defaultclock.dt = dt * ms
    taum, taue, taui = 20 * ms, 5 * ms, 10 * ms
    Vt, Vr, El = -50 * mV, -60 * mV, -49 * mV
    eqs = '''
    dv/dt  = (ge+gi-(v-El))/taum : volt (unless refractory)
    dge/dt = -ge/taue : volt
    dgi/dt = -gi/taui : volt
    '''
    P = NeuronGroup(n, eqs, threshold='v>Vt', reset='v = Vr', refractory=5 * ms, method='exact')
    P.v = 'Vr + rand() * (Vt - Vr)'
    P.ge = 0 * mV
    P.gi = 0 * mV
    we = (60 * 0.27 / 10) * mV
    wi = (-20 * 4.5 / 10) * mV
    ne = n * 4 // 5
    p = 80.0 / n
    Ce = Synapses(P[:ne], P, on_pre='ge += we')
    Ci = Synapses(P[ne:], P, on_pre='gi += wi')
    Ce.connect(p=p)
    Ci.connect(p=p)
    s = SpikeMonitor(P, record=False)
    run(duration * second)
    device.build(directory=build_dir, compile=True, run=True, debug=False)
    info = open(build_dir + '/results/last_run_info.txt').read().split()
    loop = float(info[0])
    spikes = int(s.num_spikes)
    print(json.dumps({'loop_s': loop, 'spikes': spikes, 'rate_hz': spikes / n / duration}))


if __name__ == '__main__':
    main()
