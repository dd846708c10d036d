// The quality dashboard's charts, drawn with Apache ECharts from the data the page carries.
// Each chart element holds JSON in data-chart: {labels, values, notes, links}; the server-drawn
// bars inside stay as the fallback (and for screen readers); a click on a bar opens its cases.
import * as echarts from "echarts/core";
import { BarChart } from "echarts/charts";
import { GridComponent, TooltipComponent } from "echarts/components";
import { SVGRenderer } from "echarts/renderers";

echarts.use([BarChart, GridComponent, TooltipComponent, SVGRenderer]);

function draw(host) {
  const data = JSON.parse(host.dataset.chart);
  const canvas = document.createElement("div");
  canvas.className = "echart-canvas";
  canvas.style.height = `${Math.max(120, data.labels.length * 34 + 40)}px`;
  host.prepend(canvas);
  const chart = echarts.init(canvas, null, { renderer: "svg" });
  chart.setOption({
    grid: { left: 8, right: 90, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: "item", formatter: (p) => `${p.name}: ${data.notes[p.dataIndex]}` },
    xAxis: { type: "value", show: false },
    yAxis: { type: "category", inverse: true, data: data.labels, axisTick: { show: false } },
    series: [
      {
        type: "bar",
        data: data.values,
        barMaxWidth: 22,
        itemStyle: { color: host.dataset.color || "#0d6efd", borderRadius: [0, 3, 3, 0] },
        label: { show: true, position: "right", formatter: (p) => data.notes[p.dataIndex] },
      },
    ],
  });
  chart.on("click", (event) => {
    const link = data.links[event.dataIndex];
    if (link) window.location.assign(link);
  });
  window.addEventListener("resize", () => chart.resize());
  host.classList.add("echart-drawn");
  host.setAttribute("data-rendered", "true");
}

document.addEventListener("DOMContentLoaded", () => {
  for (const host of document.querySelectorAll("[data-chart]")) draw(host);
});
