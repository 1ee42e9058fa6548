//! Lists of names as the pages write them ("A, B en C"). Which names are municipalities is the
//! domain's reference data (`watwerkt_domain::municipality_info`).

/// A list item the splitter had to drop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListRepair {
    EmptyItem,
}

/// Splits "A, B en C" into names. Only the last comma item is split on " en " (Dutch writes
/// "A, B en C"); a name that is itself known ("Berg en Dal") or an "en" glued to a hyphen
/// ("Ondernemers- en Werkgeversnetwerk") is never split.
pub fn split_names(raw: &str, is_known: &dyn Fn(&str) -> bool) -> (Vec<String>, Vec<ListRepair>) {
    let mut repairs = Vec::new();
    let mut items: Vec<String> = Vec::new();
    let parts: Vec<&str> = raw.split(',').map(str::trim).collect();
    let last = parts.len() - 1;
    for (i, part) in parts.into_iter().enumerate() {
        if part.is_empty() {
            repairs.push(ListRepair::EmptyItem);
            continue;
        }
        if i == last && !is_known(part) {
            items.extend(split_on_en(part, is_known));
        } else {
            items.push(part.to_owned());
        }
    }
    (items, repairs)
}

fn split_on_en(item: &str, is_known: &dyn Fn(&str) -> bool) -> Vec<String> {
    let tokens: Vec<&str> = item.split(" en ").collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let mut cur = tokens[i].to_owned();
        i += 1;
        while i < tokens.len() {
            let glued = cur.ends_with('-') || tokens[i].starts_with(['-', '–']);
            let joined = format!("{cur} en {}", tokens[i]);
            if glued || is_known(&joined) {
                cur = joined;
                i += 1;
            } else {
                break;
            }
        }
        if !cur.trim().is_empty() {
            out.push(cur.trim().to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use watwerkt_domain::is_known_municipality;

    fn munis(s: &str) -> Vec<String> {
        split_names(s, &is_known_municipality).0
    }

    fn orgs(s: &str) -> Vec<String> {
        split_names(s, &|_| false).0
    }

    #[test]
    fn splits_the_last_item_on_en_only() {
        assert_eq!(
            munis("Tiel, Geldermalsen, Nederbetuwe en Maasdriel"),
            ["Tiel", "Geldermalsen", "Nederbetuwe", "Maasdriel"]
        );
        assert_eq!(
            munis("Rotterdam, Aa en Hunze, Winterswijk en Zoetermeer"),
            ["Rotterdam", "Aa en Hunze", "Winterswijk", "Zoetermeer"]
        );
        assert_eq!(
            munis("Druten, Heumen, Mook en Middelaar, Nijmegen en Wijchen"),
            [
                "Druten",
                "Heumen",
                "Mook en Middelaar",
                "Nijmegen",
                "Wijchen"
            ]
        );
        assert_eq!(munis("Berg en Dal"), ["Berg en Dal"]);
        assert_eq!(
            munis("Nijmegen en Mook en Middelaar"),
            ["Nijmegen", "Mook en Middelaar"]
        );
        assert_eq!(
            orgs("VanDoorneHuiskes en partners onderzoek, Devotus en Universiteit Utrecht"),
            [
                "VanDoorneHuiskes en partners onderzoek",
                "Devotus",
                "Universiteit Utrecht"
            ]
        );
        assert_eq!(
            orgs("Atria - Kennisinstituut voor Emancipatie en Vrouwengeschiedenis, Panteia"),
            [
                "Atria - Kennisinstituut voor Emancipatie en Vrouwengeschiedenis",
                "Panteia"
            ]
        );
        assert_eq!(
            orgs("Stigma, Ondernemers- en Werkgeversnetwerk De Normaalste Zaak"),
            [
                "Stigma",
                "Ondernemers- en Werkgeversnetwerk De Normaalste Zaak"
            ]
        );
        assert_eq!(
            orgs("Regioplan en Vluchtelingenwerk Nederland"),
            ["Regioplan", "Vluchtelingenwerk Nederland"]
        );
    }

    #[test]
    fn drops_empty_items_from_stray_commas() {
        let (names, repairs) =
            split_names(", Amersfoort, Overbetuwe en Ede", &is_known_municipality);
        assert_eq!(names, ["Amersfoort", "Overbetuwe", "Ede"]);
        assert_eq!(repairs, [ListRepair::EmptyItem]);
        let (names, repairs) = split_names("Amsterdam,", &is_known_municipality);
        assert_eq!(names, ["Amsterdam"]);
        assert_eq!(repairs.len(), 1);
    }
}
