// Progressive enhancement only: every page works without this file.
(function () {
  'use strict';

  // Move focus to the error summary so screen readers announce what needs fixing.
  function focusErrorSummary() {
    var summary = document.querySelector('[data-error-summary]');
    if (summary) summary.focus();
  }

  // Tell the server the patient's time zone, so slots and times are shown in it.
  function fillTimeZones() {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch {
      return;
    }
    if (!zone) return;
    document.querySelectorAll('input[data-timezone]').forEach(function (input) {
      if (!input.value) input.value = zone;
    });
    // Links to pages that show times carry the zone too (the server remembers it for the session).
    document
      .querySelectorAll('a[href^="/visits"], a[href^="/appointments/"], a[href^="/econsult/"]')
      .forEach(function (link) {
        var url = new URL(link.getAttribute('href'), window.location.origin);
        if (url.pathname.endsWith('.ics') || url.searchParams.has('tz')) return;
        url.searchParams.set('tz', zone);
        link.setAttribute('href', url.pathname + url.search + url.hash);
      });
  }

  // One polite live region per page, so a screen reader hears "Connecting you to the clinic…".
  function announce(text) {
    var region = document.querySelector('[data-busy-announcer]');
    if (!region) {
      region = document.createElement('div');
      region.setAttribute('role', 'status');
      region.className = 'visually-hidden';
      region.setAttribute('data-busy-announcer', '');
      document.body.appendChild(region);
    }
    region.textContent = text;
  }

  // A launch takes a moment (three calls to VSee): show progress and refuse a second press.
  function guardLaunchForms() {
    document.querySelectorAll('form[data-launch], form[data-busy-form]').forEach(function (form) {
      form.addEventListener('submit', function (event) {
        if (form.dataset.submitting === 'true') {
          event.preventDefault();
          return;
        }
        form.dataset.submitting = 'true';
        var button = form.querySelector('button[type=submit]');
        if (!button) return;
        button.setAttribute('aria-disabled', 'true');
        button.setAttribute('aria-busy', 'true');
        if (button.dataset.busyText) {
          button.textContent = button.dataset.busyText;
          button.classList.add('is-busy');
          announce(button.dataset.busyText);
        }
      });
    });
    // Coming back with the Back button restores the page from cache: make the buttons usable again.
    window.addEventListener('pageshow', function (event) {
      if (!event.persisted) return;
      document.querySelectorAll('form[data-launch], form[data-busy-form]').forEach(function (form) {
        form.dataset.submitting = 'false';
      });
    });
  }

  // "Copy link" on the invite page; without JavaScript the link stays selectable in its field.
  function enableCopyButtons() {
    document.querySelectorAll('[data-copy-target]').forEach(function (button) {
      var source = document.getElementById(button.getAttribute('data-copy-target'));
      var status = document.querySelector('[data-copy-status]');
      if (!source || !navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener('click', function () {
        navigator.clipboard.writeText(source.value).then(
          function () {
            if (status) status.textContent = button.dataset.copiedText || '';
          },
          function () {
            source.select();
            if (status) status.textContent = button.dataset.copyFailedText || '';
          },
        );
      });
    });
  }

  // On a phone the header's links fold into a Menu button (without this script they stay visible).
  function enableMenu() {
    var toggle = document.querySelector('[data-menu-toggle]');
    var nav = toggle && document.getElementById(toggle.getAttribute('aria-controls'));
    if (!toggle || !nav) return;
    toggle.hidden = false;
    document.documentElement.classList.add('has-menu');
    toggle.addEventListener('click', function () {
      var open = toggle.getAttribute('aria-expanded') !== 'true';
      toggle.setAttribute('aria-expanded', String(open));
      nav.classList.toggle('is-open', open);
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    enableMenu();
    focusErrorSummary();
    fillTimeZones();
    guardLaunchForms();
    enableCopyButtons();
  });
})();
