/* The scheduled task form (templates/admin/departments/scheduled_task_form.html): under the
   crontab chosen, its description in words. django-celery-beat's own page does this inline. */
(function () {
  "use strict";
  var $ = django.jQuery;
  var script = document.getElementById("periodic-task-overrides");
  var readableCrontabs = JSON.parse($("#readable-crontabs").text());
  var help = $("<div>").text(script.dataset.crontabHelp).html();
  var inWords = script.dataset.inWords; // with its colon, as the language writes it

  function updateCrontabHelp(additional) {
    $(".field-crontab .help").html(
      help + "<br>" + $("<div>").text(inWords + (additional || "")).html()
    );
  }

  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    updateCrontabHelp(readableCrontabs[$("#id_crontab").val()]);
  });
})();
