/*! Plugboard widget loader. https://github.com/plugboard — MIT OR Apache-2.0 */
// A classic script on purpose: one `<script src>` tag and `window.Plugboard` exists at once,
// with no bundler and no `type="module"` on the host page.
//
// Design: this file is the whole public JS API and stays tiny; the widget itself is Rust
// compiled to wasm (`/pkg/plugboard_widget.js` + `_bg.wasm`, built by `cargo xtask build`).
// `new Plugboard()` starts loading the wasm with a dynamic `import()` (allowed in classic
// scripts); every method called before it is ready waits on that one promise, so host code
// can call `renderAccountConnectionModal()` right after the constructor. Options, config
// and event payloads cross into and out of the wasm as plain objects.
(function () {
  "use strict";

  var script = document.currentScript;
  var scriptOrigin = script && script.src ? new URL(script.src, location.href).origin : location.origin;
  var modules = {}; // one wasm instance per server, shared by every Plugboard on the page
  // Widgets stay reachable until destroy(): wasm-bindgen frees an unreachable wasm object
  // (FinalizationRegistry), which would unmount a modal opened by a one-liner such as
  // `new Plugboard(options).renderAccountConnectionModal()`.
  var live = [];

  function fail(message) {
    console.error("Plugboard: " + message);
  }

  // Misuse and load failures are also an `error` event ({code, message}), a tick later so
  // listeners added right after the constructor hear it.
  function report(emitter, code, message) {
    fail(message);
    setTimeout(function () { emitter.emit("error", { code: code, message: message }); }, 0);
  }

  function load(serverUrl) {
    if (!modules[serverUrl]) {
      var pkg = serverUrl + "/pkg/plugboard_widget";
      // The wasm downloads (and compiles, streaming) while the glue loads, not after it.
      var wasm = fetch(pkg + "_bg.wasm");
      wasm.catch(function () {}); // reported through the glue's init below
      modules[serverUrl] = import(pkg + ".js").then(function (glue) {
        return glue.default({ module_or_path: wasm }).then(function () {
          return glue;
        });
      });
    }
    return modules[serverUrl];
  }

  // IntegryJS-compatible `sdk.eventEmitter`: on / off / once. A throwing listener is
  // reported and does not stop the others.
  function EventEmitter() {
    this._listeners = {};
  }
  EventEmitter.prototype.on = function (name, fn) {
    (this._listeners[name] = this._listeners[name] || []).push(fn);
    var self = this;
    return function () { self.off(name, fn); };
  };
  EventEmitter.prototype.off = function (name, fn) {
    var list = this._listeners[name];
    if (!list) return;
    this._listeners[name] = list.filter(function (f) { return f !== fn && f._plugboardOnce !== fn; });
  };
  EventEmitter.prototype.once = function (name, fn) {
    var self = this;
    function wrapper(payload) {
      self.off(name, wrapper);
      fn.call(this, payload);
    }
    wrapper._plugboardOnce = fn;
    return this.on(name, wrapper);
  };
  EventEmitter.prototype.emit = function (name, payload) {
    (this._listeners[name] || []).slice().forEach(function (fn) {
      try {
        fn(payload);
      } catch (error) {
        fail("a \"" + name + "\" listener threw: " + error);
      }
    });
  };

  function Plugboard(options) {
    if (!(this instanceof Plugboard)) return new Plugboard(options);
    options = options || {};
    this.eventEmitter = new EventEmitter();
    var serverUrl = String(options.serverUrl || Plugboard.defaultServerUrl || scriptOrigin).replace(/\/+$/, "");
    if (!options.linkToken && !(options.appId && options.userId && options.hash)) {
      report(this.eventEmitter, "missing_credentials",
        "pass either `linkToken` or `appId`, `userId` and `hash` to `new Plugboard(…)`.");
      this._widget = Promise.reject(new Error("missing credentials"));
      this._widget.catch(function () {});
      return;
    }
    var emitter = this.eventEmitter;
    var settings = {};
    ["linkToken", "appId", "userId", "hash", "deploymentId"].forEach(function (key) {
      if (options[key] != null) settings[key] = String(options[key]);
    });
    settings.serverUrl = serverUrl;
    this._settings = settings;
    this._widget = load(serverUrl).then(function (wasm) {
      var widget = new wasm.PlugboardWidget(settings, function (name, payload) {
        emitter.emit(name, payload);
      });
      live.push(widget);
      return widget;
    });
    this._widget.catch(function (error) {
      report(emitter, "load_failed",
        "could not load the widget from " + serverUrl + ": " + (error && error.message || error));
    });
  }

  // Runs `fn(widget)` once the wasm is ready, in call order.
  Plugboard.prototype._call = function (fn) {
    var self = this;
    this._widget.then(function (widget) {
      if (self._destroyed) return;
      try {
        fn(widget);
      } catch (error) {
        report(self.eventEmitter, "widget_error", error && error.message || String(error));
      }
    }, function () {});
  };

  // The app list's path for `config`, built here only: the widget asks for exactly this
  // (its first answer may be the prefetch below). Without a `locale` the server reads the
  // browser's Accept-Language, the same preference the widget reads from
  // navigator.languages.
  function appsPath(config) {
    var query = [];
    [["deployment_id", config.deploymentId], ["category", config.category], ["locale", config.locale]].forEach(function (pair) {
      if (pair[1] != null) query.push(pair[0] + "=" + encodeURIComponent(pair[1]));
    });
    return "/widget/apps" + (query.length ? "?" + query.join("&") : "");
  }

  Plugboard.prototype.renderAccountConnectionModal = function (config) {
    if (window.performance && performance.mark) performance.mark("plugboard:render");
    config = config || {};
    var path = appsPath(config);
    var apps = this._prefetchApps(path);
    this._call(function (widget) { widget.renderModal(config, path, apps); });
  };

  // The app list is asked for now, while the wasm is still on its way, rather than once the
  // widget runs: the modal opens one round trip sooner. Link tokens only (a signed start
  // must trade its hash for a token first, which the widget does). The widget reads the
  // answer as `{ok, status, text}`, as from its own requests.
  Plugboard.prototype._prefetchApps = function (path) {
    var settings = this._settings;
    if (!settings || !settings.linkToken || !window.fetch) return undefined;
    var answer = fetch(settings.serverUrl + path, { headers: { Authorization: "Bearer " + settings.linkToken } }).then(function (response) {
      return response.text().then(function (text) {
        return { ok: response.ok, status: response.status, text: text };
      });
    });
    answer.catch(function () {}); // the widget reports it
    return answer;
  };

  Plugboard.prototype.renderConnectPage = function (elementId, config) {
    var emitter = this.eventEmitter;
    this._call(function (widget) {
      var element = document.getElementById(elementId);
      if (!element) {
        return report(emitter, "unknown_container", "renderConnectPage: no element with id \"" + elementId + "\".");
      }
      config = config || {};
      widget.renderConnectPage(element, config, appsPath(config));
    });
  };

  Plugboard.prototype.close = function () {
    this._call(function (widget) { widget.close(); });
  };

  Plugboard.prototype.destroy = function () {
    var self = this;
    this._call(function (widget) {
      widget.destroy();
      live.splice(live.indexOf(widget), 1);
      widget.free();
      self._destroyed = true;
      self.eventEmitter._listeners = {};
    });
  };

  // Set by widget.mjs, where `document.currentScript` is null.
  Plugboard.defaultServerUrl = null;
  window.Plugboard = Plugboard;
})();
