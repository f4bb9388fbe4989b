import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

// Only what the dashboard draws: a fraction of ECharts' full bundle. SVG, so charts print and
// zoom sharply and their text is in the page.
echarts.use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  SVGRenderer,
]);

/**
 * One ECharts chart. `data-points` carries the numbers it was given (series name → values), so
 * what it draws can be checked against the API.
 */
export function Chart({
  option,
  height = 320,
  testId,
  onClick,
}: {
  option: echarts.EChartsCoreOption;
  height?: number;
  testId?: string;
  onClick?: (name: string) => void;
}) {
  const element = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | undefined>(undefined);
  useEffect(() => {
    if (!element.current) return;
    const instance = echarts.init(element.current, undefined, { renderer: 'svg' });
    chart.current = instance;
    const resize = new ResizeObserver(() => instance.resize());
    resize.observe(element.current);
    return () => {
      resize.disconnect();
      instance.dispose();
      chart.current = undefined;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  useEffect(() => {
    const instance = chart.current;
    if (!instance || !onClick) return;
    const handler = (params: { name?: string }) => {
      if (params.name) onClick(params.name);
    };
    instance.on('click', handler);
    return () => {
      instance.off('click', handler);
    };
  }, [onClick]);
  const series = (option.series as { name?: string; data?: unknown[] }[] | undefined) ?? [];
  const points = Object.fromEntries(series.map((s, i) => [s.name ?? String(i), s.data ?? []]));
  return (
    <div ref={element} style={{ width: '100%', height }} data-testid={testId} data-points={JSON.stringify(points)} />
  );
}
