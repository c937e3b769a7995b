/* The compliance dashboard's charts (Chart.js, vendored under static/vendor/chartjs/).
 *
 * Each <canvas data-chart="ID"> reads its data from the <script type="application/json" id="ID">
 * the page wrote with json_script: {title, labels, series: [{label, data, urls}]}.
 * Colour is never the only signal: every series has its own fill pattern (stripes, dots,
 * grid…) shown in the legend too, each bar carries its number, and the same figures are
 * in the table under the chart. A click on a bar opens the list behind it (the table's
 * links do the same from the keyboard). No inline handlers: everything is bound here.
 */
(function () {
  "use strict";
  if (typeof Chart === "undefined") {
    return;
  }

  // Okabe–Ito: distinguishable with the common colour-vision deficiencies.
  var COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
                 "#999999", "#882255", "#44AA99"];
  var SHAPES = ["solid", "diagonal", "dots", "grid", "horizontal", "vertical", "cross", "zigzag", "backslash",
                "rings", "squares"];

  function pattern(colour, shape) {
    var size = 12;
    var tile = document.createElement("canvas");
    tile.width = size;
    tile.height = size;
    var ctx = tile.getContext("2d");
    ctx.fillStyle = colour;
    ctx.globalAlpha = shape === "solid" ? 1 : 0.35;
    ctx.fillRect(0, 0, size, size);
    ctx.globalAlpha = 1;
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = 2;
    ctx.beginPath();
    switch (shape) {
      case "diagonal":
        ctx.moveTo(0, size); ctx.lineTo(size, 0);
        ctx.moveTo(-size / 2, size / 2); ctx.lineTo(size / 2, -size / 2);
        ctx.moveTo(size / 2, size * 1.5); ctx.lineTo(size * 1.5, size / 2);
        break;
      case "backslash":
        ctx.moveTo(0, 0); ctx.lineTo(size, size);
        ctx.moveTo(size / 2, -size / 2); ctx.lineTo(size * 1.5, size / 2);
        ctx.moveTo(-size / 2, size / 2); ctx.lineTo(size / 2, size * 1.5);
        break;
      case "dots":
        ctx.arc(size / 2, size / 2, 2.5, 0, 2 * Math.PI);
        ctx.fill();
        break;
      case "grid":
        ctx.moveTo(size / 2, 0); ctx.lineTo(size / 2, size);
        ctx.moveTo(0, size / 2); ctx.lineTo(size, size / 2);
        break;
      case "horizontal":
        ctx.moveTo(0, size / 2); ctx.lineTo(size, size / 2);
        break;
      case "vertical":
        ctx.moveTo(size / 2, 0); ctx.lineTo(size / 2, size);
        break;
      case "cross":
        ctx.moveTo(2, 2); ctx.lineTo(size - 2, size - 2);
        ctx.moveTo(size - 2, 2); ctx.lineTo(2, size - 2);
        break;
      case "zigzag":
        ctx.moveTo(0, size * 0.7); ctx.lineTo(size / 2, size * 0.3); ctx.lineTo(size, size * 0.7);
        break;
      case "rings":
        ctx.arc(size / 2, size / 2, 3.5, 0, 2 * Math.PI);
        break;
      case "squares":
        ctx.fillRect(3, 3, 6, 6);
        break;
      default:
        break;
    }
    ctx.stroke();
    return ctx.createPattern(tile, "repeat");
  }

  // Each bar's number written on it (or above it), so that no value depends on reading the axis or a colour.
  var valueLabels = {
    id: "valueLabels",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var stacked = chart.options.scales.x.stacked;
      ctx.save();
      ctx.font = "700 14px system-ui, sans-serif";
      ctx.textAlign = "center";
      chart.data.datasets.forEach(function (dataset, i) {
        var meta = chart.getDatasetMeta(i);
        if (meta.hidden) {
          return;
        }
        meta.data.forEach(function (bar, j) {
          var value = dataset.data[j];
          if (!value) {
            return;
          }
          if (stacked) {
            var height = Math.abs(bar.base - bar.y);
            if (height < 18) {
              return;  // too thin to write in: the table has it
            }
            ctx.fillStyle = "#000";
            ctx.strokeStyle = "#fff";
            ctx.lineWidth = 4;
            ctx.lineJoin = "round";
            ctx.textBaseline = "middle";
            ctx.strokeText(String(value), bar.x, (bar.y + bar.base) / 2);
            ctx.fillText(String(value), bar.x, (bar.y + bar.base) / 2);
          } else {
            ctx.fillStyle = "#212529";
            ctx.textBaseline = "bottom";
            ctx.fillText(String(value), bar.x, bar.y - 2);
          }
        });
      });
      ctx.restore();
    }
  };

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) {
      return;
    }
    var data = JSON.parse(source.textContent);
    var stacked = data.series.length > 1;
    var datasets = data.series.map(function (series, i) {
      var colour = COLOURS[i % COLOURS.length];
      return {
        label: series.label,
        data: series.data,
        urls: series.urls,
        backgroundColor: pattern(colour, stacked ? SHAPES[i % SHAPES.length] : "diagonal"),
        borderColor: colour,
        borderWidth: 2
      };
    });
    var chart = new Chart(canvas, {
      type: "bar",
      data: {labels: data.labels, datasets: datasets},
      plugins: [valueLabels],
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        layout: {padding: {top: 18}},
        scales: {
          x: {stacked: stacked, ticks: {autoSkip: false, maxRotation: 45, color: "#212529", font: {size: 13}}},
          y: {stacked: stacked, beginAtZero: true, ticks: {precision: 0, color: "#212529", font: {size: 13}}}
        },
        plugins: {
          legend: {
            display: stacked,
            position: "bottom",
            labels: {boxWidth: 28, boxHeight: 18, color: "#212529", font: {size: 14}}
          },
          tooltip: {mode: "nearest", intersect: true}
        },
        onHover: function (event, elements) {
          canvas.style.cursor = elements.length ? "pointer" : "default";
        },
        onClick: function (event, elements) {
          if (!elements.length) {
            return;
          }
          var element = elements[0];
          var url = chart.data.datasets[element.datasetIndex].urls[element.index];
          if (url) {
            window.location.assign(url);
          }
        }
      }
    });
    canvas.dataset.drawn = "true";
  }

  document.querySelectorAll("canvas[data-chart]").forEach(draw);
})();
