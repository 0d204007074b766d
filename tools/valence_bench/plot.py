# Licensed under the Apache License, Version 2.0 (the "License"); you may
# not use this file except in compliance with the License. You may obtain
# a copy of the License at
#
#      http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
# WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
# License for the specific language governing permissions and limitations
# under the License.


"""PNG plots from the result files the subcommands write.

    tools/bench plot [FILE or DIRECTORY ...] [--out DIRECTORY]

By default from docs/bench-results/ into docs/images/, the files
docs/performance.md shows: fleet.png (the sync cycle and Ironic's CPU per
node of each kind against the number of nodes), startup.png, rss.png
(the service's resident set under load) and failover.png (each
conductor's cycles around a replica's kill). A plot is drawn when its
kind of result is among the files (node-list results have none); each
names the commands and commits it is drawn from.
"""

import argparse
import collections
from pathlib import Path
import statistics
import textwrap

from valence_bench import children
from valence_bench import results

DOCS = children.ROOT / 'docs'
MIB = 1024 * 1024
# The service's memory goal (issue 8), drawn on the RSS plot.
RSS_GOAL_MIB = 256
KIND_COLOURS = {'fake': 'tab:blue', 'valence': 'tab:green',
                'redfish': 'tab:orange', 'valence-nohealth': 'tab:purple',
                'redfish-asis': 'tab:brown'}
PHASE_COLOURS = {'normal': 'tab:blue', 'kill': 'tab:red',
                 'restart': 'tab:orange'}


def pyplot():
    """matplotlib's pyplot, drawing to files only."""
    import matplotlib
    matplotlib.use('Agg')
    from matplotlib import pyplot as plt
    return plt


def sources(figure, documents):
    """Writes under the figure which runs it shows."""
    lines = sorted({'%s (commit %s, %s, load %s)' % (
        d['command'], d.get('commit') or '?', d.get('date', '?')[:10],
        (d.get('machine') or {}).get('load_average') or '?')
        for d in documents})
    text = '\n'.join(textwrap.shorten(line, 180) for line in lines)
    figure.text(0.01, 0.01, text, fontsize=6, va='bottom')
    return len(lines)


def finish(figure, documents, path):
    count = sources(figure, documents)
    figure.tight_layout(rect=(0, 0.02 + 0.018 * count, 1, 1))
    figure.savefig(path, dpi=100)
    print('==> %s' % path)
    return path


def panels(plt, documents, width):
    """A figure with one panel per document, side by side."""
    figure, axes = plt.subplots(1, len(documents), squeeze=False,
                                figsize=(width * len(documents), 4.2))
    return figure, zip(axes[0], documents)


def fleet(plt, documents, path):
    """Cycle p50 and Ironic's CPU per node, by kind, against the nodes."""
    figure, (cycle, cpu) = plt.subplots(1, 2, figsize=(11, 4.6))
    for topology, style in (('single', '-o'), ('ha', '--s')):
        points = collections.defaultdict(lambda: collections.defaultdict(
            list))
        for d in documents:
            if d['figures']['topology'] != topology:
                continue
            for k in d['figures']['kinds']:
                if k['cycle_p50_s'] is not None:
                    points[k['kind']][d['figures']['nodes']].append(k)
        for kind, by_nodes in sorted(points.items()):
            nodes = sorted(by_nodes)
            label = kind if topology == 'single' else '%s (ha)' % kind
            colour = KIND_COLOURS.get(kind)
            for axes, figure_of in (
                    (cycle, lambda k: k['cycle_p50_s']),
                    (cpu, lambda k: k['cpu_ms_per_node'].get('ironic'))):
                # A line through the medians, a dot for every run.
                axes.plot(nodes, [statistics.median(
                    figure_of(k) for k in by_nodes[n]) for n in nodes],
                    style, color=colour, label=label)
                runs = [(n, figure_of(k)) for n in nodes
                        for k in by_nodes[n]]
                axes.scatter(*zip(*runs), color=colour, s=8, alpha=0.5)
    cycle.set(xscale='log', yscale='log', xlabel='nodes of the kind',
              ylabel='sync cycle p50, s (line: median of the runs)',
              title='Ironic\'s power sync cycle')
    cpu.set(xscale='log', xlabel='nodes of the kind',
            ylabel='Ironic CPU ms per synced node',
            title='Conductor CPU per node')
    for axes in (cycle, cpu):
        axes.grid(True, which='both', alpha=0.3)
        axes.legend(fontsize=8)
    return finish(figure, documents, path)


def median_max(setup, key):
    """(median, max) of a setup's wall or cpu seconds.

    From the runs' figures (KEY_s), or from a summary of them
    (KEY_median_s and KEY_max_s) when only that was recorded.
    """
    runs = setup.get('%s_s' % key)
    if runs:
        return statistics.median(runs), max(runs)
    return setup['%s_median_s' % key], setup['%s_max_s' % key]


def startup(plt, documents, path):
    """Median wall and CPU seconds to readiness of each setup, per run."""
    figure, each = panels(plt, documents, 5)
    for axes, d in each:
        setups = d['figures']['setups']
        names = list(setups)
        x = range(len(names))
        for offset, key, label in ((-0.2, 'wall', 'wall'),
                                   (0.2, 'cpu', 'CPU')):
            medians, highs = zip(*(median_max(setups[n], key)
                                   for n in names))
            axes.bar([i + offset for i in x], medians, 0.4,
                     yerr=[[0] * len(names),
                           [h - m for m, h in zip(medians, highs)]],
                     capsize=3, label='%s s (median; the line: max)' % label)
        axes.axhline(3, color='grey', linestyle=':', label='3 s goal')
        axes.set_xticks(list(x), names)
        axes.set(ylabel='seconds to readiness 200', title='%s: %s' % (
            d.get('commit') or '?',
            textwrap.shorten(d['figures'].get('java', ''), 50)))
        axes.legend(fontsize=8)
    return finish(figure, documents, path)


def rss(plt, documents, path):
    """The service's resident set under load, each round of each run."""
    figure, axes = plt.subplots(figsize=(8, 4.2))
    labels, peaks, ends = [], [], []
    for d in documents:
        for n, row in enumerate(d['figures']['loads'], 1):
            labels.append('%s\n%s #%d' % (d.get('commit') or '?',
                                          row['service'], n))
            peaks.append(row['rss_peak'] / MIB)
            ends.append(row['rss_end'] / MIB)
    x = range(len(labels))
    axes.bar([i - 0.2 for i in x], peaks, 0.4, label='RSS peak')
    axes.bar([i + 0.2 for i in x], ends, 0.4, label='RSS at the end')
    axes.axhline(RSS_GOAL_MIB, color='grey', linestyle=':',
                 label='%d MiB' % RSS_GOAL_MIB)
    axes.set_xticks(list(x), labels, fontsize=7)
    axes.set(ylabel='MiB (VmRSS, sampled every 0.5 s)',
             title='The service under %d clients: bounded = as it ships, '
             'default = JVM defaults'
             % documents[0]['figures']['clients'])
    axes.title.set_fontsize(9)
    axes.legend(fontsize=8)
    return finish(figure, documents, path)


def failover(plt, documents, path):
    """Each conductor's measured cycles, the one that met the kill red."""
    figure, each = panels(plt, documents, 6)
    for axes, d in each:
        f = d['figures']
        for row, (conductor, cycles) in enumerate(
                sorted(f['conductors'].items())):
            axes.plot(range(1, len(cycles) + 1),
                      [c['seconds'] for c in cycles], '-',
                      color='lightgrey', zorder=1)
            for phase, colour in PHASE_COLOURS.items():
                picked = [(i, c['seconds']) for i, c in
                          enumerate(cycles, 1) if c['phase'] == phase]
                if picked:
                    axes.scatter(*zip(*picked), color=colour,
                                 marker='os'[row % 2], zorder=2,
                                 label='%s: %s' % (conductor, phase))
        back = f.get('back_after_s')
        axes.xaxis.get_major_locator().set_params(integer=True)
        axes.set(xlabel='measured cycle of the conductor',
                 ylabel='cycle, s',
                 title='%d nodes, %s SIGKILLed; %s' % (
                     f['nodes'], f['replica'],
                     'back after %.0f s' % back if back else 'not back'))
        axes.legend(fontsize=7)
    return finish(figure, documents, path)


PLOTS = {'fleet': fleet, 'startup': startup, 'soak': rss,
         'failover': failover}
FILE_NAMES = {'fleet': 'fleet.png', 'startup': 'startup.png',
              'soak': 'rss.png', 'failover': 'failover.png'}


def result_files(paths):
    """The .json files named, and those in the directories named."""
    for path in paths:
        if path.is_dir():
            yield from sorted(path.glob('*.json'))
        else:
            yield path


def draw(paths, out):
    """Draws each kind of plot the result files allow; returns the PNGs.

    :raises ValueError: when a file is not a result file.
    """
    by_kind = collections.defaultdict(list)
    for path in result_files(paths):
        document = results.load(path)
        by_kind[document['kind']].append(document)
    out.mkdir(parents=True, exist_ok=True)
    plt = pyplot()
    drawn = []
    for kind, documents in by_kind.items():
        if kind not in PLOTS:
            continue
        documents.sort(key=lambda d: d.get('date', ''))
        drawn.append(PLOTS[kind](plt, documents, out / FILE_NAMES[kind]))
        plt.close('all')
    return drawn


def main(argv, prog):
    parser = argparse.ArgumentParser(prog=prog,
                                     description=__doc__.splitlines()[0])
    parser.add_argument('paths', nargs='*', type=Path,
                        default=[DOCS / 'bench-results'],
                        help='result files, or directories of them')
    parser.add_argument('--out', type=Path, default=DOCS / 'images',
                        help='where the PNGs go')
    args = parser.parse_args(argv)
    try:
        drawn = draw(args.paths, args.out)
    except (OSError, ValueError) as e:
        parser.error(str(e))
    if not drawn:
        parser.error('no result file in %s'
                     % ', '.join(map(str, args.paths)))
    return 0
