// « Trouver de l'aide »: two small enhancements; without JavaScript both buttons stay hidden and the path works.
// - « Utiliser ma position » (step « Où ? »): fills the hidden lat/lon fields with the browser's position (about
//   100 m, enough to find the nearest commune) and sends the form; the server keeps only the commune.
// - « Imprimer la liste » (result): the browser's print dialog; the print style sheet hides the forms.

const locate = document.querySelector("[data-guide-locate]");
if (locate && "geolocation" in navigator) {
  const form = locate.closest("form");
  const status = form.querySelector("[data-guide-locate-status]");
  const latitude = form.querySelector("[name=lat]");
  const longitude = form.querySelector("[name=lon]");
  const commune = form.querySelector("[name=commune]");
  locate.hidden = false;
  commune.addEventListener("input", () => {
    latitude.value = "";
    longitude.value = "";
  });
  locate.addEventListener("click", () => {
    locate.disabled = true;
    status.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(
      (position) => {
        latitude.value = position.coords.latitude.toFixed(3);
        longitude.value = position.coords.longitude.toFixed(3);
        commune.value = "";
        status.textContent = "Position trouvée.";
        form.submit();
      },
      () => {
        locate.disabled = false;
        status.textContent = "Votre position n'est pas disponible. Écrivez votre commune.";
      },
      { timeout: 10000, maximumAge: 300000 }
    );
  });
}

const print = document.querySelector("[data-guide-print]");
if (print) {
  print.hidden = false;
  print.addEventListener("click", () => window.print());
}
