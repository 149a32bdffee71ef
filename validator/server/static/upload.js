// The upload page: send the chosen workbooks to /api/check and show each result as the 校验结果 sheet lists it.
(function () {
  "use strict";
  var SEVERITY = { error: "错误", warning: "警告", info: "提示" };
  var STATE = { explained: "已说明", accepted: "已接受" };
  var FORMAT = { html: "网页", docx: "Word 文档", pdf: "PDF", doc: "Word 97-2003 或 WPS 文档", rtf: "RTF 格式的 Word 文档",
    odt: "OpenDocument 文本（.odt）", wordxml: "Word 2003 XML 文档", xls: "旧版 Excel 或 WPS 表格" };
  var token = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var drop = document.getElementById("drop");
  var input = document.getElementById("file");
  var statusLine = document.getElementById("status");
  var results = document.getElementById("results");
  var TEMPLATES = JSON.parse(drop.getAttribute("data-templates") || "{}");  // id → 2021年格式（国办公开办函〔2021〕30号，id）

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (cls) { node.className = cls; }
    return node;
  }

  function table(headers, rows) {
    var t = el("table"), head = el("thead"), tr = el("tr"), body = el("tbody");
    headers.forEach(function (h) { tr.appendChild(el("th", h)); });
    head.appendChild(tr);
    rows.forEach(function (row) {
      var r = el("tr");
      row.forEach(function (cell) { r.appendChild(typeof cell === "object" ? cell : el("td", cell)); });
      body.appendChild(r);
    });
    t.appendChild(head);
    t.appendChild(body);
    return t;
  }

  function show(result) {
    var box = el("section", null, "report");
    box.appendChild(el("h2", result.file));
    var counts = result.counts || {};
    var lines = el("ul");
    lines.appendChild(el("li", "模板：" + (TEMPLATES[result.template] || result.template || "未识别")));
    if (result.status === "checked" && FORMAT[result.source_format]) {  // an unreadable file's format: no copy of it
      lines.appendChild(el("li", "原文件是" + FORMAT[result.source_format] + "：问题位置指原文中的位置，标注副本是按原样转换为官方模板后的工作簿。"));
    }
    var settled = result.settled || {};
    lines.appendChild(el("li", "结果：错误 " + (counts.error || 0) + " 项，警告 " + (counts.warning || 0) + " 项，提示 " + (counts.info || 0) + " 项" +
      (settled.explained || settled.accepted ? "；另有已说明 " + (settled.explained || 0) + " 项、已接受 " + (settled.accepted || 0) + " 项，不计入" : "")));
    if (result.agency && result.agency.agency_name) { lines.appendChild(el("li", "机关名称：" + result.agency.agency_name)); }
    if (result.error) { lines.appendChild(el("li", "无法校验：" + result.error, "message")); }
    (result.notices || []).forEach(function (n) { lines.appendChild(el("li", "说明：" + n)); });
    box.appendChild(lines);
    var findings = result.findings || [];
    if (findings.length) {
      box.appendChild(table(["序号", "规则", "级别", "位置", "说明", "单位说明", "状态"], findings.map(function (f, i) {
        return [i + 1, f.rule, el("td", SEVERITY[f.severity] || f.severity, f.severity), f.place || f.cell || "", f.message,
          f.explanation || "", STATE[f.state] || ""];
      })));
    } else if (!result.error) {
      box.appendChild(el("p", "未发现问题。"));
    }
    var corrections = result.corrections || [];
    if (corrections.length) {
      box.appendChild(el("h3", "建议更正（使全部勾稽关系平衡最少需更正的单元格）"));
      box.appendChild(table(["序号", "位置", "现值", "建议改为"], corrections.map(function (c, i) {
        return [i + 1, c.cell || "", c.blank ? "未填数字" : c.from, c.to];
      })));
    }
    if (!result.error) {
      var link = el("a", "下载标注副本", "download");
      link.href = result.download;
      box.appendChild(link);
    }
    results.insertBefore(box, results.firstChild);
  }

  function refuse(item) {
    var box = el("section", null, "report");
    box.appendChild(el("h2", item.file || "（无文件名）"));
    box.appendChild(el("p", "未接收，不作为报送保存：" + item.reason, "message"));
    results.insertBefore(box, results.firstChild);
  }

  // An answer that is not the service's JSON: a proxy in front of it (nginx) refused the request or gave up waiting.
  function unanswered(status) {
    if (status === 413) {
      return "上传内容过大（HTTP 413），没有校验、也没有保存任何文件：请分批上传（每个文件不超过 " + drop.getAttribute("data-max-mb") +
        " MB，一次合计不超过 " + drop.getAttribute("data-max-request-mb") + " MB）。";
    }
    if (status === 502 || status === 503 || status === 504) {
      return "服务器没有及时答复（HTTP " + status + "）：文件可能仍在校验，校验完成后照常保存为报送。" +
        "请几分钟后重新上传同一文件查看结果；仍如此，请联系政务公开办。";
    }
    return "服务器答复有误（HTTP " + status + "），文件可能未保存：请稍后重新上传；仍如此，请联系政务公开办。";
  }

  function send(files) {
    if (!files.length) { return; }
    var form = new FormData();
    Array.prototype.forEach.call(files, function (f) { form.append("file", f, f.name); });
    statusLine.textContent = "正在校验 " + files.length + " 个文件……";
    fetch("/api/check", { method: "POST", body: form, headers: { "X-CSRF-Token": token }, credentials: "same-origin" })
      .then(function (response) {
        return response.json().then(function (doc) { return { ok: response.ok, doc: doc }; },
          function () { return { ok: false, doc: { error: unanswered(response.status) } }; });
      })
      .then(function (answer) {
        if (!answer.ok) { statusLine.textContent = answer.doc.error || "上传失败，请重试。"; return; }
        answer.doc.results.forEach(show);
        var skipped = answer.doc.skipped || [];
        skipped.forEach(refuse);
        statusLine.textContent = "已校验 " + answer.doc.results.length + " 个文件" +
          (skipped.length ? "；" + skipped.length + " 个文件未接收（原因见下方）。" : "。");
      })
      .catch(function () { statusLine.textContent = "无法连接校验服务器，请检查网络后重试。"; });
  }

  drop.addEventListener("click", function (e) { if (e.target !== input) { input.click(); } });
  drop.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { input.click(); } });
  input.addEventListener("change", function () { send(input.files); input.value = ""; });
  drop.addEventListener("dragover", function (e) { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
  drop.addEventListener("drop", function (e) { e.preventDefault(); drop.classList.remove("over"); send(e.dataTransfer.files); });
})();
