// Public search of places (/lieux/): « Autour de moi » fills the hidden lat/lon fields with the browser's position,
// and the map of the current page of results is drawn with the vendored Leaflet, downloaded only when the visitor
// asks for it (« Voir la carte »), which keeps the first load of the page light. The list works without any of this.
(function () {
  "use strict";

  function setUpLocate(form) {
    var button = form.querySelector("[data-locate]");
    var status = form.querySelector("[data-locate-status]");
    var latitude = form.querySelector("[name=lat]");
    var longitude = form.querySelector("[name=lon]");
    var commune = form.querySelector("[name=commune]");
    if (!button || !latitude || !longitude || !("geolocation" in navigator)) return;
    button.hidden = false;
    if (commune) {
      commune.addEventListener("input", function () {
        latitude.value = "";
        longitude.value = "";
      });
    }
    button.addEventListener("click", function () {
      button.disabled = true;
      status.textContent = "Recherche de votre position…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          // About 100 m: enough to sort the places, no need to send a precise position.
          latitude.value = position.coords.latitude.toFixed(3);
          longitude.value = position.coords.longitude.toFixed(3);
          if (commune) commune.value = "";
          status.textContent = "Position trouvée : recherche des lieux proches…";
          form.submit();
        },
        function () {
          button.disabled = false;
          status.textContent = "Votre position n'est pas disponible. Saisissez une commune ou un code postal.";
        },
        { timeout: 10000, maximumAge: 300000 }
      );
    });
  }

  function load(tag, attributes) {
    return new Promise(function (resolve, reject) {
      var element = document.createElement(tag);
      Object.keys(attributes).forEach(function (name) {
        element.setAttribute(name, attributes[name]);
      });
      element.onload = resolve;
      element.onerror = reject;
      document.head.appendChild(element);
    });
  }

  function popupContent(place) {
    var content = document.createElement("p");
    var link = document.createElement("a");
    link.href = place.url;
    link.textContent = place.name;
    content.appendChild(link);
    content.appendChild(document.createElement("br"));
    content.appendChild(document.createTextNode("À " + place.distance));
    return content;
  }

  function clusterIcon(cluster) {
    var count = cluster.getChildCount();
    var label = document.createElement("span");
    label.textContent = String(count);
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " lieux proches : zoomer pour les voir";
    var wrapper = document.createElement("span");
    wrapper.appendChild(label);
    wrapper.appendChild(hidden);
    return window.L.divIcon({ html: wrapper.innerHTML, className: "place-map__cluster", iconSize: [40, 40] });
  }

  function draw(section, canvas, places) {
    var L = window.L;
    var data = section.dataset;
    var map = L.map(canvas, { scrollWheelZoom: false });
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    L.tileLayer(data.tileUrl, { attribution: data.attribution, maxZoom: 19 }).addTo(map);
    var icon = L.icon({
      iconUrl: data.icon,
      iconRetinaUrl: data.icon2x,
      shadowUrl: data.shadow,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      shadowSize: [41, 41],
    });
    // Close places gather into a cluster (a button saying how many; Enter zooms in) until the map is close enough.
    var group = L.markerClusterGroup({
      maxClusterRadius: 40,
      disableClusteringAtZoom: 15,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: false, // zoom in instead: from zoom 15 on, every place has its own marker
      iconCreateFunction: clusterIcon,
    });
    var points = places.map(function (place) {
      group.addLayer(
        L.marker([place.lat, place.lon], {
          icon: icon,
          title: place.name,
          alt: place.name + ", à " + place.distance,
        }).bindPopup(popupContent(place))
      );
      return [place.lat, place.lon];
    });
    map.addLayer(group);
    map.fitBounds(points, { padding: [24, 24], maxZoom: 15 });
    map.on("popupopen", function (event) {
      var link = event.popup.getElement().querySelector(".leaflet-popup-content a");
      if (link) link.focus();
    });
  }

  function setUpMap(section) {
    var island = document.getElementById("places-data");
    var button = section.querySelector("[data-map-show]");
    var canvas = section.querySelector("[data-map-canvas]");
    var skip = section.querySelector("[data-map-skip]");
    if (!island || !button || !canvas) return;
    var places = JSON.parse(island.textContent);
    if (!places.length) return;
    section.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      button.textContent = "Chargement de la carte…";
      var data = section.dataset;
      Promise.all([
        load("link", { rel: "stylesheet", href: data.leafletCss }),
        load("link", { rel: "stylesheet", href: data.clusterCss }),
        (window.L ? Promise.resolve() : load("script", { src: data.leafletJs })).then(function () {
          return window.L.markerClusterGroup ? null : load("script", { src: data.clusterJs });
        }),
      ]).then(
        function () {
          button.hidden = true;
          canvas.hidden = false;
          if (skip) skip.hidden = false;
          canvas.setAttribute("role", "region");
          canvas.setAttribute(
            "aria-label",
            "Carte : flèches pour se déplacer, + et − pour zoomer, Tab pour aller d'un repère à l'autre"
          );
          draw(section, canvas, places);
          canvas.focus();
        },
        function () {
          button.disabled = false;
          button.textContent = "Voir la carte (le chargement a échoué, réessayer)";
        }
      );
    });
  }

  var form = document.querySelector("[data-place-search]");
  if (form) setUpLocate(form);
  var section = document.querySelector("[data-places-map]");
  if (section) setUpMap(section);
})();
