/* Dashboard charts: each <div data-chart="ID"> is drawn from the JSON in <script id="ID">
 * (written by Django's json_script). The same numbers are in the table next to the chart;
 * the charts are aria-hidden. A bar with a link opens the order list behind it. */
(function () {
  "use strict";
  if (typeof echarts === "undefined") {
    return;
  }

  function percentFormatter(value) {
    return value === null || value === undefined ? "–" : value + "%";
  }

  // Under a few vertical bars (a unit's own dashboard has one) there is room for a name
  // level and whole, on two lines if need be: rotated and cut, one bar read
  // "Market Regulation..." with the chart's width free beside it.
  function axisLabel(horizontal, count) {
    if (horizontal) {
      return { width: 150, overflow: "truncate" };
    }
    return count <= 4
      ? { interval: 0, rotate: 0, width: 160, overflow: "break" }
      : { interval: 0, rotate: 35, width: 110, overflow: "truncate" };
  }

  function option(spec) {
    var percent = Boolean(spec.percent);
    var tooltip = { trigger: spec.type === "line" ? "axis" : "item", confine: true };
    if (percent) {
      tooltip.valueFormatter = percentFormatter;
    }
    if (spec.type === "line") {
      return {
        tooltip: tooltip,
        legend: { top: 0 },
        grid: { left: 48, right: 16, top: 36, bottom: 36 },
        xAxis: { type: "category", data: spec.categories, boundaryGap: false },
        yAxis: { type: "value", minInterval: 1 },
        dataZoom: spec.categories.length > 60 ? [{ type: "inside" }, { type: "slider", height: 16, bottom: 4 }] : [],
        series: spec.series.map(function (s) {
          return {
            name: s.name,
            type: "line",
            data: s.data,
            smooth: false,
            showSymbol: spec.categories.length <= 31,
            itemStyle: { color: s.color },
            lineStyle: { color: s.color },
          };
        }),
      };
    }
    var horizontal = spec.type === "hbar";
    var categoryAxis = {
      type: "category",
      data: spec.categories,
      axisLabel: axisLabel(horizontal, spec.categories.length),
      inverse: horizontal,
    };
    var valueAxis = { type: "value", minInterval: 1 };
    if (percent) {
      valueAxis.axisLabel = { formatter: "{value}%" };
    }
    if (spec.max) {
      valueAxis.max = spec.max;
    }
    return {
      tooltip: tooltip,
      legend: spec.series.length > 1 ? { top: 0 } : undefined,
      // The labels kept inside the chart's box as they are drawn (rotated under vertical
      // bars), not as containLabel estimated them: the first unit's name was cut at the left.
      grid: Object.assign(
        horizontal
          ? { left: 8, right: 24, top: spec.series.length > 1 ? 36 : 8, bottom: 8 }
          : { left: 40, right: 16, top: spec.series.length > 1 ? 36 : 12, bottom: 8 },
        { outerBoundsMode: "same", outerBoundsContain: "axisLabel" }
      ),
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: spec.series.map(function (s) {
        return {
          name: s.name,
          type: "bar",
          data: s.data,
          itemStyle: { color: s.color },
          barMaxWidth: 28,
          cursor: s.links ? "pointer" : "default",
        };
      }),
    };
  }

  // On a phone the names of seventeen units under vertical bars overlap and are cut off:
  // there the bars lie on their side, one row per unit, and the chart grows to fit them.
  // The screen decides (portal.css's phone breakpoint), not the box: a chart in a half
  // column of a wide desktop is narrow too, and stays as it was.
  var PHONE = window.matchMedia("(max-width: 767.98px)");

  function fitted(element, spec) {
    if (spec.type !== "bar" || !PHONE.matches) {
      return spec;
    }
    var row = 14 + 10 * spec.series.length;
    var top = spec.series.length > 1 ? 36 : 8;
    element.style.height = Math.max(240, spec.categories.length * row + top + 40) + "px";
    return Object.assign({}, spec, { type: "hbar" });
  }

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source) {
      return;
    }
    var spec = fitted(element, JSON.parse(source.textContent));
    var chart = echarts.init(element);
    chart.setOption(option(spec));
    chart.on("click", function (params) {
      var series = spec.series[params.seriesIndex];
      var url = series && series.links ? series.links[params.dataIndex] : "";
      if (url) {
        window.location.assign(url);
      }
    });
    charts.push(chart);
  });

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(function () {
      charts.forEach(function (chart) {
        chart.resize();
      });
    }, 100);
  });
})();
