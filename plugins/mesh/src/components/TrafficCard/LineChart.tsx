import { useTheme } from '@material-ui/core/styles';
import type { NamedSeries } from './clusterSeries';

const WIDTH = 560;
const HEIGHT = 200;
const MARGIN = { top: 12, right: 16, bottom: 28, left: 64 };

function clock(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(11, 16);
}

/** Points in chart coordinates; pure for the tests. */
export function scaleSeries(series: NamedSeries[]) {
  const all = series.flatMap(s => s.points);
  const times = all.map(([t]) => t);
  const t0 = Math.min(...times);
  const t1 = Math.max(...times);
  const yMax = Math.max(0, ...all.map(([, v]) => v)) || 1;
  const innerW = WIDTH - MARGIN.left - MARGIN.right;
  const innerH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (t: number) =>
    MARGIN.left + (t1 === t0 ? innerW / 2 : ((t - t0) / (t1 - t0)) * innerW);
  const y = (v: number) => MARGIN.top + innerH - (v / yMax) * innerH;
  return {
    t0,
    t1,
    yMax,
    x,
    y,
    paths: series.map(s =>
      s.points
        .map(
          ([t, v], i) =>
            `${i === 0 ? 'M' : 'L'} ${x(t).toFixed(1)} ${y(v).toFixed(1)}`,
        )
        .join(' '),
    ),
  };
}

/** A small multi-line chart: one line per series, y from zero, three ticks per axis. */
export const LineChart = (props: {
  title: string;
  series: NamedSeries[];
  formatValue: (value: number) => string;
}) => {
  const theme = useTheme();
  const palette = [
    theme.palette.primary.main,
    theme.palette.secondary.main,
    theme.palette.success.main,
    theme.palette.warning.main,
    theme.palette.info.main,
  ];
  const withPoints = props.series.filter(s => s.points.length > 0);
  if (withPoints.length === 0) {
    return null;
  }
  const scale = scaleSeries(withPoints);
  const yTicks = [0, scale.yMax / 2, scale.yMax];
  const xTicks = [scale.t0, (scale.t0 + scale.t1) / 2, scale.t1];
  return (
    <figure style={{ margin: 0 }}>
      <svg
        role="img"
        aria-label={props.title}
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        width="100%"
        style={{ fontFamily: theme.typography.fontFamily }}
      >
        {yTicks.map(v => (
          <g key={`y-${v}`}>
            <line
              x1={MARGIN.left}
              x2={WIDTH - MARGIN.right}
              y1={scale.y(v)}
              y2={scale.y(v)}
              stroke={theme.palette.divider}
            />
            <text
              x={MARGIN.left - 6}
              y={scale.y(v) + 4}
              fontSize={11}
              textAnchor="end"
              fill={theme.palette.text.secondary}
            >
              {props.formatValue(v)}
            </text>
          </g>
        ))}
        {xTicks.map(t => (
          <text
            key={`x-${t}`}
            x={scale.x(t)}
            y={HEIGHT - 8}
            fontSize={11}
            textAnchor="middle"
            fill={theme.palette.text.secondary}
          >
            {clock(t)}
          </text>
        ))}
        {scale.paths.map((d, i) => (
          <path
            key={withPoints[i].name}
            data-testid="chart-line"
            d={d}
            fill="none"
            stroke={palette[i % palette.length]}
            strokeWidth={2}
          >
            <title>{withPoints[i].name}</title>
          </path>
        ))}
      </svg>
      <figcaption style={{ display: 'flex', gap: 16, fontSize: 12 }}>
        <strong>{props.title}</strong>
        {withPoints.map((s, i) => (
          <span key={s.name}>
            <span
              aria-hidden
              style={{
                display: 'inline-block',
                width: 10,
                height: 10,
                marginRight: 4,
                background: palette[i % palette.length],
              }}
            />
            {s.name}
          </span>
        ))}
      </figcaption>
    </figure>
  );
};
