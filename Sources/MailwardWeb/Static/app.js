// Mailward pages: small vanilla script that drives the JSON API (/api/v1). No build step.
(function () {
  'use strict';
  /* `Name <address>` as the server reads it back, by MailAddress.formatted's rule: a display
     name of anything but atoms (letters, digits, atext symbols, spaces, non-ASCII) is quoted,
     else a sender named "Alice <alice@partner.example>, Bob" would add a recipient the user
     never chose. */
  function formatAddress(name, address) {
    if (!name) return address;
    if (/^[A-Za-z0-9!#$%&'*+\-\/=?^_`{|}~ \u0080-\uffff]*$/.test(name) && name.trim() === name) return name + ' <' + address + '>';
    return '"' + name.replace(/[\\"]/g, '\\$&') + '" <' + address + '>';
  }

  var T = {};
  try { T = JSON.parse(document.getElementById('i18n').textContent); } catch (e) { T = {}; }
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute('content') : '';
  var $ = function (id) { return document.getElementById(id); };
  var show = function (id) { $(id).classList.remove('hidden'); };
  var hide = function (id) { $(id).classList.add('hidden'); };

  function api(method, path, body) {
    var headers = { 'Accept': 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (csrf) headers['X-CSRF-Token'] = csrf;
    return fetch('/api/v1' + path, {
      method: method, headers: headers, credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (res) {
      return res.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        return { ok: res.ok, status: res.status, data: data };
      });
    }, function () { return { ok: false, status: 0, data: { message: T.network_error } }; });
  }

  function say(id, text, ok) {
    var el = $(id);
    el.textContent = text || '';
    el.className = 'message ' + (ok ? 'ok' : 'error');
  }
  // An end chosen by date (a share's, B6; a client-specific password's, B4) is the end of its
  // last day in the browser's time zone: the date field's `2027-01-31` goes out as the next
  // midnight, and comes back as the day before it.
  function endOfDay(value) {
    if (!value) return null;
    var p = value.split('-');
    return new Date(+p[0], +p[1] - 1, +p[2] + 1).toISOString();
  }
  function lastDay(expiresAt) {
    var d = new Date(Date.parse(expiresAt) - 1000);
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate());
  }
  function failure(id, res) { say(id, (res.data && res.data.message) || T.network_error, false); }

  // Copies the text shown in `source`, and says "copied" only when it was: without the
  // clipboard API (plain HTTP on a host name is no secure context) the text is selected and
  // copied the older way; when that fails too, it stays selected and the user is asked to copy
  // it by hand — a secret shown once must not be left behind on a false "copied".
  function copyShown(source, text, messageId) {
    function byHand() {
      var range = document.createRange();
      range.selectNodeContents(source);
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      var copied = false;
      try { copied = document.execCommand('copy'); } catch (e) { copied = false; }
      say(messageId, copied ? T.copied : T.copy_by_hand, copied);
    }
    if (window.isSecureContext && navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { say(messageId, T.copied, true); }, byHand);
    } else {
      byHand();
    }
  }

  // A "get code" button waits out the resend interval, showing the seconds left. A long wait
  // (a day's codes used up) is not counted down in seconds: the message says how long.
  function countdown(button, seconds) {
    var label = button.dataset.label || button.textContent;
    button.dataset.label = label;
    button.disabled = true;
    if (button.countdownTimer) clearTimeout(button.countdownTimer);
    if (seconds > 300) {
      button.textContent = label;
      button.countdownTimer = setTimeout(function () { button.disabled = false; }, Math.min(seconds, 86400) * 1000);
      return;
    }
    var left = seconds;
    var tick = function () {
      if (left <= 0) { button.disabled = false; button.textContent = T.resend || label; return; }
      button.textContent = (T.resend || label) + ' (' + left + ')';
      left -= 1;
      button.countdownTimer = setTimeout(tick, 1000);
    };
    tick();
  }
  // The code's tries are used up: a new one may be asked for at once (the server lets it).
  function resendNow(button) {
    if (button.countdownTimer) clearTimeout(button.countdownTimer);
    button.disabled = false;
    button.textContent = T.resend || button.dataset.label || button.textContent;
  }
  function sendCode(button, messageId, path, body) {
    button.disabled = true;
    return api('POST', path, body).then(function (res) {
      if (res.ok) { say(messageId, T.sent, true); countdown(button, res.data.resend_after || 60); }
      else {
        failure(messageId, res);
        if (res.status === 429 && res.data && res.data.retry_after) countdown(button, res.data.retry_after);
        else button.disabled = false;
      }
      return res;
    });
  }
  // `2026-11-29 15:02` in the browser's time zone — the form and the zone the server writes the
  // mail pages' times in (it reads the zone from the `mw_tz` cookie set below).
  function when(date) {
    if (!date) return '—';
    var d = new Date(date);
    function two(n) { return (n < 10 ? '0' : '') + n; }
    return d.getFullYear() + '-' + two(d.getMonth() + 1) + '-' + two(d.getDate()) + ' ' + two(d.getHours()) + ':' + two(d.getMinutes());
  }
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && /^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone) && document.cookie.split('; ').indexOf('mw_tz=' + zone) < 0) {
      document.cookie = 'mw_tz=' + zone + '; path=/; max-age=31536000; SameSite=Lax';
    }
  } catch (e) { /* no Intl: the server's zone */ }
  function cell(row, text) { var td = document.createElement('td'); td.textContent = text; row.appendChild(td); return td; }
  // Column names on each cell, for tables stacked into cards on narrow screens (CSS `table.stack`).
  function labelCells(table) {
    var names = Array.prototype.map.call(table.querySelectorAll('thead th'), function (th) { return th.textContent; });
    Array.prototype.forEach.call(table.querySelectorAll('tbody tr'), function (row) {
      Array.prototype.forEach.call(row.children, function (td, i) { if (names[i]) td.dataset.label = names[i]; });
    });
  }

  var signOut = $('sign-out');
  if (signOut) signOut.addEventListener('click', function () {
    api('DELETE', '/session').then(function () { window.location.href = '/login'; });
  });

  var pages = {};

  pages.login = function () {
    var challenge = null;
    var phone = null;
    var methods = ['sms'];
    var method = 'sms';
    var smsAsked = false;
    // The second factor the code page takes (B1): the SMS code, the authenticator app's code, a
    // recovery code or a security key. It starts with the key, else the app, else SMS: no text
    // message is sent unless SMS is the way chosen.
    function useMethod(next) {
      method = next;
      ['sms', 'totp', 'recovery', 'key'].forEach(function (m) { hide('code-prompt-' + m); });
      show('code-prompt-' + ({ recovery_code: 'recovery', security_key: 'key' }[next] || next));
      $('code-title').textContent = { sms: T.second_factor_title, totp: T.method_totp, recovery_code: T.method_recovery,
                                      security_key: T.method_key }[next];
      // A security key answers with a touch, not a typed code.
      ['code-field', 'verify-submit'].forEach(next === 'security_key' ? hide : show);
      if (next === 'security_key') show('use-key-now'); else hide('use-key-now');
      $('code-label').textContent = next === 'recovery_code' ? T.recovery_code : T.code;
      $('code').setAttribute('inputmode', next === 'recovery_code' ? 'text' : 'numeric');
      $('code').value = '';
      if (next === 'sms') show('resend-code'); else hide('resend-code');
      var others = 0;
      [['security_key', 'use-key'], ['totp', 'use-totp'], ['sms', 'use-sms'], ['recovery_code', 'use-recovery']].forEach(function (pair) {
        if (pair[0] !== next && methods.indexOf(pair[0]) >= 0) { show(pair[1]); others += 1; } else hide(pair[1]);
      });
      if (others > 0) show('other-methods'); else hide('other-methods');
      say('code-message', '', true);
      if (next !== 'security_key') $('code').focus();
      if (next === 'sms' && !smsAsked) {
        smsAsked = true;
        sendCode($('resend-code'), 'code-message', '/session/sms', { challenge: challenge });
      }
    }
    $('login-form').addEventListener('submit', function (event) {
      event.preventDefault();
      say('login-message', '', true);
      api('POST', '/session', { username: $('username').value, password: $('password').value }).then(function (res) {
        if (!res.ok) { failure('login-message', res); return; }
        challenge = res.data.challenge;
        if (res.data.status === 'ok') { window.location.href = '/mail'; return; }
        hide('login-step');
        if (res.data.status === 'second_factor_required') {
          $('phone-hint').textContent = res.data.phone_hint || '';
          methods = (res.data.methods || ['sms']).filter(function (m) { return m !== 'security_key' || webAuthnAvailable; });
          show('code-step');
          useMethod(methods.indexOf('security_key') >= 0 ? 'security_key' : methods.indexOf('totp') >= 0 ? 'totp' : 'sms');
        } else if (res.data.status === 'enrollment_required') {
          show('enroll-step');
          $('enroll-phone').focus();
        }
      });
    });
    $('use-key').addEventListener('click', function () { useMethod('security_key'); });
    $('use-key-now').addEventListener('click', function () {
      say('code-message', '', true);
      api('POST', '/session/security-key/options', { challenge: challenge }).then(function (res) {
        if (!res.ok) { failure('code-message', res); return null; }
        return navigator.credentials.get({ publicKey: {
          challenge: fromBase64url(res.data.challenge), rpId: res.data.rp_id, userVerification: 'discouraged', timeout: 120000,
          allowCredentials: res.data.allow_credentials.map(function (id) { return { type: 'public-key', id: fromBase64url(id) }; })
        } }).then(function (credential) {
          return api('POST', '/session/security-key', {
            challenge: challenge, credential_id: toBase64url(credential.rawId),
            client_data_json: toBase64url(credential.response.clientDataJSON),
            authenticator_data: toBase64url(credential.response.authenticatorData),
            signature: toBase64url(credential.response.signature), trust_device: $('trust-device').checked
          });
        }, function () { say('code-message', T.key_failed, false); return null; });
      }).then(function (res) {
        if (!res) return;
        if (res.ok) { window.location.href = '/mail'; return; }
        failure('code-message', res);
        var error = res.data && res.data.error;
        if (error === 'too_many_attempts' || error === 'invalid_challenge') setTimeout(function () { window.location.reload(); }, 1500);
      });
    });
    $('use-totp').addEventListener('click', function () { useMethod('totp'); });
    $('use-sms').addEventListener('click', function () { useMethod('sms'); });
    $('use-recovery').addEventListener('click', function () { useMethod('recovery_code'); });
    $('resend-code').addEventListener('click', function () {
      sendCode($('resend-code'), 'code-message', '/session/sms', { challenge: challenge });
    });
    $('code-form').addEventListener('submit', function (event) {
      event.preventDefault();
      api('POST', '/session/verify', { challenge: challenge, code: $('code').value, method: method,
                                       trust_device: $('trust-device').checked })
        .then(function (res) {
          if (res.ok) { window.location.href = '/mail'; return; }
          failure('code-message', res);
          var error = res.data && res.data.error;
          if (error === 'too_many_attempts' && method === 'sms') resendNow($('resend-code'));
          else if (error === 'too_many_attempts' || error === 'invalid_challenge') setTimeout(function () { window.location.reload(); }, 1500);
        });
    });
    $('enroll-get-code').addEventListener('click', function () {
      phone = $('enroll-phone').value;
      sendCode($('enroll-get-code'), 'enroll-message', '/session/enroll/sms', { challenge: challenge, phone: phone });
    });
    $('enroll-form').addEventListener('submit', function (event) {
      event.preventDefault();
      api('POST', '/session/enroll/confirm', {
        challenge: challenge, phone: phone || $('enroll-phone').value, code: $('enroll-code').value,
        trust_device: $('enroll-trust-device').checked
      }).then(function (res) {
        if (res.ok) { window.location.href = '/mail'; return; }
        failure('enroll-message', res);
        if (res.data && res.data.error === 'too_many_attempts') resendNow($('enroll-get-code'));
      });
    });
  };

  // A QR code as SVG from the server's rows of modules ('1' dark), with the 4-module quiet zone.
  function drawQR(holder, rows) {
    holder.textContent = '';
    if (!rows.length) return;
    var ns = 'http://www.w3.org/2000/svg';
    var side = rows.length + 8;
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + side + ' ' + side);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', T.totp_step1);
    var background = document.createElementNS(ns, 'rect');
    background.setAttribute('width', side); background.setAttribute('height', side); background.setAttribute('fill', '#fff');
    svg.appendChild(background);
    var d = '';
    rows.forEach(function (row, y) {
      for (var x = 0; x < row.length; x++) if (row.charAt(x) === '1') d += 'M' + (x + 4) + ' ' + (y + 4) + 'h1v1h-1z';
    });
    var path = document.createElementNS(ns, 'path');
    path.setAttribute('d', d); path.setAttribute('fill', '#000'); path.setAttribute('shape-rendering', 'crispEdges');
    svg.appendChild(path);
    holder.appendChild(svg);
  }

  // WebAuthn's binary values travel as base64url (B1).
  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer), text = '';
    for (var i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]);
    return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  }
  function fromBase64url(text) {
    var plain = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    var bytes = new Uint8Array(plain.length);
    for (var i = 0; i < plain.length; i++) bytes[i] = plain.charCodeAt(i);
    return bytes.buffer;
  }
  var webAuthnAvailable = !!(window.PublicKeyCredential && navigator.credentials && window.isSecureContext);

  pages.two_step = function () {
    var phone = null;
    var enabled = false;
    function load() {
      api('GET', '/security/two-step').then(function (res) {
        if (!res.ok) { failure('two-step-message', res); return; }
        var s = res.data;
        enabled = !!s.enabled;
        $('two-step-status').textContent = s.enabled ? T.two_step_status_on : T.two_step_status_off;
        ['bound', 'choose', 'bind-form', 'unbind-form'].forEach(hide);
        if (s.enabled) {
          var hasApp = (s.methods || []).indexOf('totp') >= 0;
          $('totp-status').textContent = hasApp ? T.totp_on : T.totp_off;
          if (hasApp) show('totp-remove'); else hide('totp-remove');
          $('totp-setup').textContent = hasApp ? T.totp_replace : T.totp_setup;
          var left = s.recovery_codes_left || 0;
          $('recovery-status').textContent = left > 0 ? T.recovery_left.replace('{n}', left) : T.recovery_none;
          $('bound-phone').textContent = s.phone_hint;
          loadKeys();
          show('bound');
          $('unbind-phone').disabled = !!s.enforced;
          if (s.enforced) show('enforced-note'); else hide('enforced-note');
        } else {
          show('choose');
        }
      });
    }
    $('next').addEventListener('click', function () {
      if ($('method-sms').checked) { hide('choose'); show('bind-form'); $('bind-phone').focus(); }
    });
    // A message of the other form (a refusal, a countdown's note) does not stay on screen.
    $('change-phone').addEventListener('click', function () {
      say('two-step-message', '', true); hide('unbind-form'); show('bind-form'); $('bind-phone').focus();
    });
    $('unbind-phone').addEventListener('click', function () { say('two-step-message', '', true); hide('bind-form'); show('unbind-form'); });
    $('bind-get-code').addEventListener('click', function () {
      phone = $('bind-phone').value;
      sendCode($('bind-get-code'), 'two-step-message', '/security/two-step/sms/start', { phone: phone });
    });
    $('bind-form').addEventListener('submit', function (event) {
      event.preventDefault();
      api('POST', '/security/two-step/sms/confirm', { phone: phone || $('bind-phone').value, code: $('bind-code').value })
        .then(function (res) {
          if (!res.ok) { failure('two-step-message', res); return; }
          // A phone already bound was changed; otherwise two-step verification just came on.
          say('two-step-message', enabled ? T.phone_changed_ok : T.bound_ok, true);
          $('bind-code').value = '';
          load();
        });
    });
    // B1: an authenticator app, confirmed with its first code and the password; recovery codes.
    var setupToken = null;
    $('totp-setup').addEventListener('click', function () {
      say('two-step-message', '', true); hide('totp-remove-form');
      api('POST', '/security/two-step/totp/start', {}).then(function (res) {
        if (!res.ok) { failure('two-step-message', res); return; }
        setupToken = res.data.setup_token;
        $('totp-secret').textContent = res.data.secret;
        $('totp-link').href = res.data.otpauth_uri;
        drawQR($('totp-qr'), res.data.qr || []);
        show('totp-form');
        $('totp-code').focus();
      });
    });
    $('totp-form').addEventListener('submit', function (event) {
      event.preventDefault();
      api('POST', '/security/two-step/totp/confirm', { setup_token: setupToken, code: $('totp-code').value,
                                                        password: $('totp-password').value }).then(function (res) {
        if (!res.ok) { failure('two-step-message', res); return; }
        $('totp-form').reset(); hide('totp-form');
        say('two-step-message', T.totp_added_ok, true);
        load();
      });
    });
    $('totp-remove').addEventListener('click', function () {
      say('two-step-message', '', true); hide('totp-form'); show('totp-remove-form'); $('totp-remove-password').focus();
    });
    $('totp-remove-form').addEventListener('submit', function (event) {
      event.preventDefault();
      api('DELETE', '/security/two-step/totp', { password: $('totp-remove-password').value }).then(function (res) {
        if (!res.ok) { failure('two-step-message', res); return; }
        $('totp-remove-form').reset(); hide('totp-remove-form');
        say('two-step-message', T.totp_removed_ok, true);
        load();
      });
    });
    function loadKeys() {
      if (!webAuthnAvailable) { show('security-keys-unsupported'); hide('security-key-form'); }
      api('GET', '/security/two-step/security-keys').then(function (res) {
        if (!res.ok) return;
        var list = $('security-keys');
        list.textContent = '';
        if (!res.data.length) { var none = document.createElement('li'); none.textContent = T.security_key_none; list.appendChild(none); }
        res.data.forEach(function (key) {
          var item = document.createElement('li');
          item.dataset.keyId = key.id;
          item.textContent = key.name + ' · ' + T.created + ' ' + when(key.created_at) + ' · ' + T.last_used + ' ' +
            (key.last_used_at ? when(key.last_used_at) : T.never) + ' ';
          var remove = document.createElement('button');
          remove.type = 'button'; remove.className = 'link remove-key'; remove.textContent = T.totp_remove;
          remove.addEventListener('click', function () {
            if (!$('security-key-password').value) { say('two-step-message', T.security_key_remove_password, false); $('security-key-password').focus(); return; }
            api('DELETE', '/security/two-step/security-keys/' + key.id, { password: $('security-key-password').value }).then(function (r) {
              if (!r.ok) { failure('two-step-message', r); return; }
              $('security-key-password').value = '';
              say('two-step-message', T.security_key_removed, true);
              load();
            });
          });
          item.appendChild(remove);
          list.appendChild(item);
        });
      });
    }
    $('security-key-form').addEventListener('submit', function (event) {
      event.preventDefault();
      say('two-step-message', '', true);
      var password = $('security-key-password').value;
      api('POST', '/security/two-step/security-keys/start', {}).then(function (res) {
        if (!res.ok) { failure('two-step-message', res); return null; }
        var o = res.data;
        return navigator.credentials.create({ publicKey: {
          challenge: fromBase64url(o.challenge), rp: { id: o.rp.id, name: o.rp.name },
          user: { id: fromBase64url(o.user.id), name: o.user.name, displayName: o.user.display_name },
          pubKeyCredParams: [{ type: 'public-key', alg: o.algorithm }], attestation: 'none', timeout: 120000,
          authenticatorSelection: { userVerification: 'discouraged' },
          excludeCredentials: o.exclude_credentials.map(function (id) { return { type: 'public-key', id: fromBase64url(id) }; })
        } }).then(function (credential) {
          return api('POST', '/security/two-step/security-keys', {
            registration_token: o.registration_token, name: $('security-key-name').value, password: password,
            client_data_json: toBase64url(credential.response.clientDataJSON),
            attestation_object: toBase64url(credential.response.attestationObject)
          });
        }, function () { say('two-step-message', T.key_failed, false); return null; });
      }).then(function (res) {
        if (!res) return;
        if (!res.ok) { failure('two-step-message', res); return; }
        $('security-key-form').reset();
        say('two-step-message', T.security_key_added, true);
        load();
      });
    });
    $('recovery-form').addEventListener('submit', function (event) {
      event.preventDefault();
      api('POST', '/security/two-step/recovery-codes', { password: $('recovery-password').value }).then(function (res) {
        if (!res.ok) { failure('two-step-message', res); return; }
        $('recovery-form').reset();
        var list = $('recovery-list');
        list.textContent = '';
        res.data.codes.forEach(function (code) { var item = document.createElement('li'); item.textContent = code; list.appendChild(item); });
        show('recovery-new');
        say('two-step-message', '', true);
        load();
      });
    });
    $('recovery-copy').addEventListener('click', function () {
      var text = Array.prototype.map.call($('recovery-list').children, function (li) { return li.textContent; }).join('\n');
      copyShown($('recovery-list'), text, 'two-step-message');
    });
    $('unbind-get-code').addEventListener('click', function () {
      sendCode($('unbind-get-code'), 'two-step-message', '/security/two-step/sms/unbind/start', {});
    });
    $('unbind-form').addEventListener('submit', function (event) {
      event.preventDefault();
      api('DELETE', '/security/two-step', { code: $('unbind-code').value }).then(function (res) {
        if (!res.ok) { failure('two-step-message', res); return; }
        say('two-step-message', T.unbound_ok, true);
        $('unbind-code').value = '';
        load();
      });
    });
    load();
  };

  pages.devices = function () {
    function load() {
      api('GET', '/security/devices').then(function (res) {
        if (!res.ok) { failure('devices-message', res); return; }
        var body = $('devices').querySelector('tbody');
        body.textContent = '';
        res.data.forEach(function (d) {
          var row = document.createElement('tr');
          row.dataset.deviceId = d.id;
          var name = cell(row, d.name);
          if (d.current) { var badge = document.createElement('span'); badge.className = 'badge'; badge.textContent = T.this_device; name.appendChild(document.createTextNode(' ')); name.appendChild(badge); }
          cell(row, d.ip); cell(row, when(d.trusted_at)); cell(row, when(d.last_seen_at)); cell(row, when(d.expires_at));
          var button = document.createElement('button');
          button.type = 'button'; button.className = 'secondary cancel-trust'; button.textContent = T.cancel_trust;
          button.addEventListener('click', function () {
            if (!window.confirm(T.confirm_cancel_trust)) return;
            api('DELETE', '/security/devices/' + d.id).then(function (r) { if (r.ok) load(); else failure('devices-message', r); });
          });
          cell(row, '').appendChild(button);
          body.appendChild(row);
        });
        labelCells($('devices'));
        if (res.data.length === 0) show('no-devices'); else hide('no-devices');
      });
      api('GET', '/security/sign-ins').then(function (res) {
        if (!res.ok) return;
        var body = $('sign-ins').querySelector('tbody');
        body.textContent = '';
        res.data.forEach(function (e) {
          var row = document.createElement('tr');
          cell(row, when(e.at)); cell(row, e.method_text || ((e.door || '') + (e.method ? ' · ' + e.method : '')));
          cell(row, e.ip || ''); cell(row, e.success ? T.success : T.failure);
          body.appendChild(row);
        });
        labelCells($('sign-ins'));
      });
    }
    load();
  };

  // Settings › Mail › Automatic reply: the form shows what is saved; the last day is the
  // browser's, as for shares and client-specific passwords.
  pages.auto_reply = function () {
    api('GET', '/settings/auto-reply').then(function (res) {
      if (!res.ok) { failure('auto-reply-message', res); return; }
      $('auto-reply-enabled').checked = !!res.data.enabled;
      $('auto-reply-subject').value = res.data.subject || '';
      $('auto-reply-text').value = res.data.text || '';
      $('auto-reply-until').value = res.data.ends_at ? lastDay(res.data.ends_at) : '';
    });
    $('auto-reply-form').addEventListener('submit', function (event) {
      event.preventDefault();
      api('PUT', '/settings/auto-reply', {
        enabled: $('auto-reply-enabled').checked, subject: $('auto-reply-subject').value,
        text: $('auto-reply-text').value, ends_at: endOfDay($('auto-reply-until').value)
      }).then(function (res) {
        if (!res.ok) { failure('auto-reply-message', res); return; }
        say('auto-reply-message', T.auto_reply_saved, true);
      });
    });
  };

  pages.password = function () {
    $('password-form').addEventListener('submit', function (event) {
      event.preventDefault();
      if ($('new-password').value !== $('repeat-password').value) { say('password-message', T.passwords_differ, false); return; }
      api('POST', '/account/password', { current_password: $('current-password').value, new_password: $('new-password').value })
        .then(function (res) {
          if (!res.ok) { failure('password-message', res); return; }
          say('password-message', T.password_changed, true);
          $('password-form').reset();
          load();
        });
    });
    $('add-app-password').addEventListener('click', function () {
      show('app-password-form'); hide('new-app-password'); $('app-password-name').focus();
    });
    $('app-password-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var protocols = [];
      document.querySelectorAll('input[name="app-password-protocol"]').forEach(function (box) {
        if (box.checked) protocols.push(box.value);
      });
      api('POST', '/app-passwords', { name: $('app-password-name').value, protocols: protocols,
                                      read_only: $('app-password-read-only').checked,
                                      expires_at: endOfDay($('app-password-until').value) }).then(function (res) {
        if (!res.ok) { failure('app-password-message', res); return; }
        say('app-password-message', '', true);
        var value = $('new-app-password-value');
        value.textContent = res.data.password;
        show('new-app-password');
        hide('app-password-form');
        $('app-password-form').reset();
        load();
      });
    });
    // One tap for iPhone, iPad and Mac: a new client-specific password, downloaded inside a
    // configuration profile. The profile comes from the form's own navigation (iOS installs
    // profiles only from one), posted once the password exists.
    $('apple-profile').addEventListener('click', function () {
      // Scoped to what the profile sets up (B4): Mail's IMAP account and its SMTP server.
      api('POST', '/app-passwords', { name: T.apple_profile_name, protocols: ['imap', 'smtp'] }).then(function (res) {
        if (!res.ok) { failure('apple-profile-message', res); return; }
        $('apple-profile-password').value = res.data.password;
        $('apple-profile-form').submit();
        $('apple-profile-password').value = '';
        say('apple-profile-message', T.apple_profile_done, true);
        load();
      });
    });
    if ($('server-settings')) labelCells($('server-settings'));
    $('copy-app-password').addEventListener('click', function () {
      copyShown($('new-app-password-value'), $('new-app-password-value').textContent, 'app-password-message');
    });
    function load() {
      api('GET', '/app-passwords').then(function (res) {
        if (!res.ok) { failure('app-password-message', res); return; }
        var body = $('app-passwords').querySelector('tbody');
        body.textContent = '';
        res.data.forEach(function (p) {
          var row = document.createElement('tr');
          row.dataset.appPasswordId = p.id;
          cell(row, p.name);
          // What it opens (B4): the protocols unless all three, read-only, its last day.
          var scope = [p.protocols.length === 3 ? T.app_password_all : p.protocols.join(', ').toUpperCase()];
          if (p.read_only) scope.push(T.app_password_ro);
          if (p.expires_at) scope.push(T.app_password_until_short + ' ' + lastDay(p.expires_at) + (p.expired ? ' (' + T.app_password_expired + ')' : ''));
          cell(row, scope.join(' · ')).className = p.expired ? 'expired' : '';
          cell(row, when(p.created_at));
          cell(row, p.last_used_at ? [when(p.last_used_at), (p.last_used_protocol || '').toUpperCase(), p.last_used_ip || '']
            .concat(p.last_used_client ? [p.last_used_client] : []).join(' · ') : T.never);
          var button = document.createElement('button');
          button.type = 'button'; button.className = 'secondary delete-app-password'; button.textContent = T['delete'];
          button.addEventListener('click', function () {
            if (!window.confirm(T.confirm_delete_app_password)) return;
            api('DELETE', '/app-passwords/' + p.id).then(function (r) { if (r.ok) load(); else failure('app-password-message', r); });
          });
          cell(row, '').appendChild(button);
          body.appendChild(row);
        });
        labelCells($('app-passwords'));
        if (res.data.length === 0) show('no-app-passwords'); else hide('no-app-passwords');
      });
    }
    load();
  };


  // ---- Webmail -------------------------------------------------------------------------
  function reload() { window.location.reload(); }

  // New mail without reload: the server pushes "change" events (Core's mailbox events).
  function watchChanges(onChange, account) {
    if (!window.EventSource) return;
    var source = new EventSource('/api/v1/events' + (account ? '?account=' + encodeURIComponent(account) : ''));
    source.addEventListener('change', function (event) {
      var data = {};
      try { data = JSON.parse(event.data); } catch (e) { data = {}; }
      onChange(data.mailbox_id, data.kind);
    });
  }

  /** Whether the person is in the middle of typing on this page (a field has focus or text). */
  function typing() {
    var active = document.activeElement;
    if (active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName)) return true;
    var folder = $('new-folder-name');
    return !!(folder && folder.value);
  }

  pages.mail = function () {
    // Phone: choosing a folder opens it (the 打开 button stays for keyboards and no-script).
    var phoneFolder = $('phone-folder');
    if (phoneFolder) phoneFolder.addEventListener('change', function () { $('phone-bar').submit(); });
    var root = $('mail-page');
    var mailbox = root.dataset.mailbox;
    var query = $('search-q').value;
    var newFolder = $('new-folder-form');
    if (newFolder) newFolder.addEventListener('submit', function (event) {
      event.preventDefault();
      api('POST', '/mailboxes', { name: $('new-folder-name').value }).then(function (res) {
        if (res.ok) window.location.href = '/mail?mailbox=' + encodeURIComponent(res.data.id);
        else failure('folder-message', res);
      });
    });
    var rename = $('rename-folder');
    if (rename) rename.addEventListener('click', function () {
      var name = window.prompt(T.rename, rename.dataset.name);
      if (!name) return;
      api('PATCH', '/mailboxes/' + mailbox, { name: name }).then(function (res) {
        if (res.ok) reload(); else failure('list-message', res);
      });
    });
    var del = $('delete-folder');
    if (del) del.addEventListener('click', function () {
      if (!window.confirm(T.confirm_delete_folder)) return;
      api('DELETE', '/mailboxes/' + mailbox).then(function (res) {
        if (res.ok) window.location.href = '/mail'; else failure('list-message', res);
      });
    });
    var empty = $('empty-trash');
    if (empty) empty.addEventListener('click', function () {
      if (!window.confirm(T.confirm_empty_trash)) return;
      api('POST', '/mailboxes/' + mailbox + '/empty').then(function (res) {
        if (res.ok) reload(); else failure('list-message', res);
      });
    });
    var offset = /[?&]offset=([1-9])/.test(window.location.search);
    var leaving = false;
    window.addEventListener('beforeunload', function () { leaving = true; });
    document.addEventListener('click', function (event) { if (event.target.closest('a')) leaving = true; });
    watchChanges(function (changed, kind) {
      if (leaving || kind === 'flags') return;
      // New mail on the first page of this folder: show it at once; elsewhere, or while the
      // person is typing (a reload would throw away a half-typed folder name), a note.
      if (changed === mailbox && !offset && !query && !typing()) reload();
      else if (kind === 'appended') $('new-mail-note').hidden = false;
    }, root.dataset.account);
  };

  pages.message = function () {
    var root = $('message-page');
    var id = root.dataset.id;
    // In a shared mailbox the buttons its permission forbids are not on the page at all.
    var unread = $('mark-unread');
    if (unread) unread.addEventListener('click', function () {
      api('PATCH', '/messages/' + id, { seen: false }).then(function (res) {
        if (res.ok) window.location.href = $('back').getAttribute('href'); else failure('message-message', res);
      });
    });
    var flag = $('toggle-flag');
    if (flag) flag.addEventListener('click', function () {
      api('PATCH', '/messages/' + id, { flagged: !flag.dataset.flagged }).then(function (res) {
        if (res.ok) reload(); else failure('message-message', res);
      });
    });
    var move = $('move-to');
    if (move) move.addEventListener('change', function () {
      var target = $('move-to').value;
      if (!target) return;
      // Back to the folder the message was in (the list it was opened from), as after a delete.
      api('POST', '/messages/' + id + '/move', { mailbox_id: target }).then(function (res) {
        if (res.ok) window.location.href = $('back').getAttribute('href');
        else failure('message-message', res);
      });
    });
    var del = $('delete-message');
    if (del) del.addEventListener('click', function () {
      if (root.dataset.trash && !window.confirm(T.confirm_delete_forever)) return;
      api('DELETE', '/messages/' + id).then(function (res) {
        if (res.ok) window.location.href = $('back').getAttribute('href'); else failure('message-message', res);
      });
    });
  };

  /** `20 B`, `12 KB`, `3.4 MB` — as the server writes sizes on its pages. */
  function sizeText(bytes) {
    if (bytes < 1024) return bytes + ' B';
    if (bytes < 1024 * 1024) return Math.round(bytes / 1024) + ' KB';
    return (bytes / 1048576).toFixed(1) + ' MB';
  }

  pages.compose = function () {
    // The attachments in the order they go out: each a reference the send/draft API takes
    // (an upload, a forwarded message, a part of a stored message) and its line in the list.
    var attachments = [];
    var draftTimer = null;
    var dirty = false;
    var sending = false;
    if ($('forward-id').value) attachments.push({ ref: { message_id: $('forward-id').value }, li: $('forward-item') });
    // The original's files of a plain forward, or a reopened draft's own files (removable).
    Array.prototype.forEach.call(document.querySelectorAll('#attached li.forwarded'), function (li) {
      attachments.push({ ref: { message_id: li.dataset.messageId, part: li.dataset.part }, li: li });
    });
    function removable(entry) {
      var button = entry.li.querySelector('.remove-attachment');
      if (button) button.addEventListener('click', function () {
        attachments = attachments.filter(function (e) { return e !== entry; });
        entry.li.remove();
        dirty = true;
      });
    }
    attachments.forEach(removable);
    function fields() {
      return {
        from: $('from').value, to: $('to').value, cc: $('cc').value, bcc: $('bcc').value,
        subject: $('subject').value, text: $('body').value, in_reply_to: $('in-reply-to').value,
        reply_to_id: $('reply-to-id').value, draft_id: $('draft-id').value,
        attachments: attachments.map(function (e) { return e.ref; })
      };
    }
    /** Whether there is anything worth keeping as a draft (not a half-typed address alone). */
    function worthKeeping() {
      return $('subject').value.trim() || $('body').value.trim() || attachments.length ||
        /@/.test($('to').value + $('cc').value + $('bcc').value);
    }
    function saveDraft(automatic) {
      if (sending || (automatic && !worthKeeping())) return Promise.resolve();
      dirty = false;
      return api('POST', '/drafts', fields()).then(function (res) {
        if (res.ok) {
          // The new draft holds every attachment, in this order: refer to its parts from now
          // on (the previous draft, uploads and forwarded originals may be gone).
          attachments.forEach(function (e, index) { e.ref = { message_id: res.data.id, part: String(index) }; });
          $('forward-id').value = '';
          $('draft-id').value = res.data.id;
          $('draft-status').textContent = T.draft_saved + ' ' + new Date().toLocaleTimeString(T.lang);
        }
        return res;
      });
    }
    ['to', 'cc', 'bcc', 'subject', 'body'].forEach(function (name) {
      $(name).addEventListener('input', function () {
        dirty = true;
        if (draftTimer) clearTimeout(draftTimer);
        draftTimer = setTimeout(function () { if (dirty) saveDraft(true); }, 5000);
      });
    });
    // Address autocomplete from recent correspondents.
    ['to', 'cc', 'bcc'].forEach(function (name) {
      $(name).addEventListener('input', function () {
        var parts = $(name).value.split(',');
        var last = parts[parts.length - 1].trim();
        if (last.length < 1) return;
        api('GET', '/contacts?q=' + encodeURIComponent(last)).then(function (res) {
          if (!res.ok) return;
          var list = $('contacts');
          list.innerHTML = '';
          var prefix = parts.slice(0, -1).join(',');
          res.data.forEach(function (c) {
            var option = document.createElement('option');
            var text = formatAddress(c.name, c.address);
            option.value = (prefix ? prefix + ', ' : '') + text;
            list.appendChild(option);
          });
        });
      });
    });
    $('files').addEventListener('change', function () {
      var files = Array.prototype.slice.call($('files').files);
      files.forEach(function (file) {
        var form = new FormData();
        form.append('file', file, file.name);
        fetch('/api/v1/uploads', { method: 'POST', body: form, credentials: 'same-origin', headers: { 'X-CSRF-Token': csrf } })
          .then(function (res) { return res.json().then(function (data) { return { ok: res.ok, data: data }; }); })
          .then(function (res) {
            if (!res.ok) { say('compose-message', res.data && res.data.message, false); return; }
            var li = document.createElement('li');
            li.className = 'uploaded';
            var name = document.createElement('span');
            name.className = 'name';
            name.textContent = res.data.filename;
            li.appendChild(name);
            li.appendChild(document.createTextNode(' (' + sizeText(res.data.size) + ') '));
            var remove = document.createElement('button');
            remove.type = 'button'; remove.className = 'link remove-attachment';
            remove.textContent = remove.title = T.remove;
            li.appendChild(remove);
            $('attached').appendChild(li);
            var entry = { ref: { upload_id: res.data.id }, li: li };
            attachments.push(entry);
            removable(entry);
            dirty = true;
          }, function () { say('compose-message', T.network_error, false); });
      });
      $('files').value = '';
    });
    $('save-draft').addEventListener('click', function () { saveDraft(false); });
    // Leaving with changes not saved yet (a link, the language switch, closing the tab within
    // the autosave's five seconds): the draft is saved on the way out by a request that outlives
    // the page; one too large for that (64 KB) makes the browser ask first.
    window.addEventListener('beforeunload', function (event) {
      if (sending || !dirty || !worthKeeping()) return;
      var body = JSON.stringify(fields());
      // keepalive requests may carry 64 KB: counted in bytes (a Chinese character is three).
      if (new TextEncoder().encode(body).length < 60000) {
        dirty = false;
        fetch('/api/v1/drafts', { method: 'POST', keepalive: true, credentials: 'same-origin', body: body,
          headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'X-CSRF-Token': csrf } });
        return;
      }
      event.preventDefault();
      event.returnValue = '';
    });
    // The language switch while writing: the draft is saved first and the form reopens from it
    // in the other language (the page's own address would open an empty form, or the reply
    // again without what was typed).
    var switchLink = $('switch-lang');
    if (switchLink) switchLink.addEventListener('click', function (event) {
      if (sending || !worthKeeping()) return;
      event.preventDefault();
      var lang = new URL(switchLink.href, window.location.href).searchParams.get('lang');
      var reopen = function (id) {
        var replyTo = $('reply-to-id').value;
        window.location.href = '/mail/compose?draft=' + encodeURIComponent(id) + '&lang=' + encodeURIComponent(lang) +
          (replyTo ? '&reply_to_id=' + encodeURIComponent(replyTo) : '');
      };
      if (!dirty && $('draft-id').value) { reopen($('draft-id').value); return; }
      saveDraft(false).then(function (res) {
        if (res.ok) reopen(res.data.id); else failure('compose-message', res);
      });
    });
    // Replies and forwards: the cursor goes above the quoted text.
    if ($('body').value.indexOf('\n\n') === 0) { $('body').focus(); $('body').setSelectionRange(0, 0); }
    else if (!$('to').value) $('to').focus();
    $('compose-form').addEventListener('submit', function (event) {
      event.preventDefault();
      sending = true;
      if (draftTimer) clearTimeout(draftTimer);
      $('send').disabled = true;
      api('POST', '/messages/send', fields()).then(function (res) {
        if (res.ok) {
          // Back to the mailbox the mail went out from (a shared one when sent from its address).
          var from = $('from').value.toLowerCase(), own = ($('who') ? $('who').textContent : '').toLowerCase();
          window.location.href = '/mail?sent=1' + (from && own && from !== own ? '&account=' + encodeURIComponent(from) : '');
          return;
        }
        sending = false;
        $('send').disabled = false;
        failure('compose-message', res);
      });
    });
  };

  // Settings › Advanced › Shared mailbox (seed section 四).
  pages.shares = function () {
    function untilText(expiresAt) {
      if (!expiresAt) return T.until_forever;
      return lastDay(expiresAt) + (Date.parse(expiresAt) <= Date.now() ? ' (' + T.share_ended + ')' : '');
    }
    // A permission is changed by choosing it and pressing "save": a select that saved on every
    // change would grant each permission passed on the way when moved with the arrow keys.
    function permissionSelect(current, grantee, onSave) {
      var box = document.createElement('span');
      box.className = 'row permission-edit';
      var select = document.createElement('select');
      select.className = 'change-permission';
      select.setAttribute('aria-label', (T.permission_of || '{grantee}').replace('{grantee}', grantee));
      ['read_only', 'send_on_behalf', 'send_as'].forEach(function (p) {
        var option = document.createElement('option');
        option.value = p; option.textContent = T['perm_' + p] || p; option.selected = p === current;
        select.appendChild(option);
      });
      var save = document.createElement('button');
      save.type = 'button'; save.className = 'secondary save-permission hidden'; save.textContent = T.save;
      select.addEventListener('change', function () { save.classList.toggle('hidden', select.value === current); });
      save.addEventListener('click', function () { onSave(select.value); });
      box.appendChild(select);
      box.appendChild(save);
      return box;
    }
    function load() {
      api('GET', '/shares').then(function (res) {
        if (!res.ok) { failure('shares-message', res); return; }
        var granted = $('granted').querySelector('tbody');
        granted.textContent = '';
        res.data.granted.forEach(function (g) {
          var row = document.createElement('tr');
          row.dataset.shareId = g.id; row.dataset.grantee = g.grantee;
          cell(row, g.grantee);
          cell(row, '').appendChild(permissionSelect(g.permission, g.grantee, function (value) {
            api('PATCH', '/shares/' + g.id, { permission: value }).then(function (r) {
              if (r.ok) { say('shares-message', T.changed_ok, true); load(); } else failure('shares-message', r);
            });
          }));
          var until = document.createElement('input');
          until.type = 'date'; until.className = 'change-until'; until.value = g.expires_at ? lastDay(g.expires_at) : '';
          until.title = untilText(g.expires_at);
          until.addEventListener('change', function () {
            api('PATCH', '/shares/' + g.id, { expires_at: endOfDay(until.value) }).then(function (r) {
              if (r.ok) { say('shares-message', T.until_changed_ok, true); load(); } else failure('shares-message', r);
            });
          });
          var untilCell = cell(row, '');
          untilCell.appendChild(until);
          if (g.expires_at && Date.parse(g.expires_at) <= Date.now()) untilCell.appendChild(document.createTextNode(' ' + T.share_ended));
          cell(row, when(g.created_at));
          var revoke = document.createElement('button');
          revoke.type = 'button'; revoke.className = 'secondary revoke-share'; revoke.textContent = T.revoke;
          revoke.addEventListener('click', function () {
            if (!window.confirm(T.confirm_revoke)) return;
            api('DELETE', '/shares/' + g.id).then(function (r) {
              if (r.ok) { say('shares-message', T.revoked_ok, true); load(); } else failure('shares-message', r);
            });
          });
          cell(row, '').appendChild(revoke);
          granted.appendChild(row);
        });
        labelCells($('granted'));
        if (res.data.granted.length === 0) show('no-granted'); else hide('no-granted');
        var received = $('received').querySelector('tbody');
        received.textContent = '';
        res.data.received.forEach(function (r) {
          var row = document.createElement('tr');
          row.dataset.owner = r.owner;
          cell(row, r.owner); cell(row, T['perm_' + r.permission] || r.permission); cell(row, untilText(r.expires_at));
          cell(row, when(r.created_at));
          var open = document.createElement('a');
          open.href = '/mail?account=' + encodeURIComponent(r.owner); open.textContent = T.open_mailbox; open.className = 'open-shared';
          cell(row, '').appendChild(open);
          received.appendChild(row);
        });
        labelCells($('received'));
        if (res.data.received.length === 0) show('no-received'); else hide('no-received');
      });
      api('GET', '/shares/events').then(function (res) {
        if (!res.ok) return;
        var body = $('share-events').querySelector('tbody');
        body.textContent = '';
        res.data.forEach(function (e) {
          var row = document.createElement('tr');
          row.dataset.kind = e.kind;
          var label = T['ev_' + e.kind] || e.kind;
          if (e.kind === 'shared-mailbox-action' && e.action) label += ' · ' + (T['act_' + e.action] || e.action);
          cell(row, when(e.at)); cell(row, label); cell(row, e.ip || ''); cell(row, e.detail_text || e.detail);
          body.appendChild(row);
        });
        labelCells($('share-events'));
        if (res.data.length === 0) show('no-events'); else hide('no-events');
      });
    }
    $('add-share').addEventListener('click', function () { show('share-form'); $('share-grantee').focus(); });
    $('share-cancel').addEventListener('click', function () { $('share-form').reset(); hide('share-form'); say('shares-message', '', true); });
    // Autocomplete of local users from the first character typed.
    var lastQuery = '';
    $('share-grantee').addEventListener('input', function () {
      var q = $('share-grantee').value.trim();
      if (q.length < 1 || q === lastQuery) return;
      lastQuery = q;
      api('GET', '/users?q=' + encodeURIComponent(q)).then(function (res) {
        if (!res.ok || q !== lastQuery) return;
        var list = $('local-users');
        list.textContent = '';
        res.data.forEach(function (u) {
          var option = document.createElement('option');
          option.value = u.address;
          if (u.name) option.label = u.name + ' <' + u.address + '>';
          list.appendChild(option);
        });
      });
    });
    $('share-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var checked = document.querySelector('input[name="permission"]:checked');
      api('POST', '/shares', { grantee: $('share-grantee').value.trim(), permission: checked ? checked.value : 'read_only',
                               expires_at: endOfDay($('share-until').value) })
        .then(function (res) {
          if (!res.ok) { failure('shares-message', res); return; }
          say('shares-message', T.shared_ok, true);
          $('share-form').reset();
          hide('share-form');
          load();
        });
    });
    load();
  };

  // The language switch keeps the page as it is (the folder, the shared mailbox, the search,
  // the reply being written): only `lang` changes.
  var switchLang = $('switch-lang');
  if (switchLang) {
    var target = new URL(window.location.href);
    target.searchParams.set('lang', new URL(switchLang.href).searchParams.get('lang'));
    switchLang.href = target.pathname + target.search;
  }

  var page = document.body.dataset.page;
  if (pages[page]) pages[page]();
})();
