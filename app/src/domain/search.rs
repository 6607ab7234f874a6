//! Catalog search matching, shared so that filtering as you type (browser) and a submitted search
//! (server, without JavaScript) give the same results.

/// Lower-cases and splits text into words of letters and digits.
pub fn tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Scores how well `haystack` matches `query`; `None` when some query word is not found.
///
/// Every query word must match a word of the haystack: exactly, as a prefix, or (for words of
/// four letters or more) with one typo. Exact and prefix hits rank above typo hits, and hits in
/// the name (`weighted`) above hits in the description.
pub fn score(query: &str, weighted: &str, rest: &str) -> Option<u32> {
    let query_words = tokens(query);
    if query_words.is_empty() {
        return Some(0);
    }
    let name_words = tokens(weighted);
    let rest_words = tokens(rest);
    let mut total = 0;
    for q in &query_words {
        let best = word_score(q, &name_words)
            .map(|s| s * 3)
            .max(word_score(q, &rest_words))?;
        total += best;
    }
    Some(total)
}

fn word_score(q: &str, words: &[String]) -> Option<u32> {
    words
        .iter()
        .filter_map(|w| {
            if w == q {
                Some(10)
            } else if w.starts_with(q) {
                Some(6)
            } else if q.chars().count() >= 4 && within_one_edit(q, w) {
                Some(3)
            } else if q.chars().count() >= 4 && w.contains(q) {
                Some(2)
            } else {
                None
            }
        })
        .max()
}

/// True when `a` becomes `b` (or a prefix of `b` of the same length) by one insertion,
/// deletion, substitution or swap of neighbours.
fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Compare against the start of longer words too, so "laptpo" finds "laptops".
    let candidates = [b.len(), a.len(), a.len() + 1, a.len().saturating_sub(1)];
    candidates
        .into_iter()
        .filter(|&n| n <= b.len() && n > 0)
        .any(|n| osa_distance(&a, &b[..n]) <= 1)
}

/// Optimal string alignment distance (Levenshtein plus adjacent transpositions).
fn osa_distance(a: &[char], b: &[char]) -> usize {
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > 1 {
        return 2;
    }
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[n][m]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_query_matches_everything() {
        assert_eq!(score("  ", "New laptop", ""), Some(0));
    }

    #[test]
    fn every_word_must_match() {
        assert!(score("laptop", "New laptop", "Order a laptop").is_some());
        assert!(score("laptop parking", "New laptop", "Order a laptop").is_none());
    }

    #[test]
    fn prefixes_and_single_typos_match() {
        assert!(score("lap", "New laptop", "").is_some());
        assert!(score("laptpo", "New laptop", "").is_some());
        assert!(score("lpatop", "New laptop", "").is_some());
        assert!(score("parkng", "Parking permit", "").is_some());
        assert!(
            score("vnp", "VPN access", "").is_none(),
            "short words need exact or prefix"
        );
    }

    #[test]
    fn name_hits_rank_above_description_hits() {
        let in_name = score("laptop", "New laptop", "").expect("match");
        let in_desc = score("laptop", "Docking station", "for your laptop").expect("match");
        assert!(in_name > in_desc);
        let typo = score("laptpo", "New laptop", "").expect("match");
        assert!(in_name > typo);
    }

    #[test]
    fn case_and_punctuation_are_ignored() {
        assert!(score("E-MAIL", "Shared e-mail box", "").is_some());
    }
}
