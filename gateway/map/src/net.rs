//! Peer addresses, trusted proxies and forwarded-for lists.

use alloc::vec::Vec;

use portcullis_core::value::{Cidr, IpAddr};

use crate::err::Refusal;

/// An address as hosts write it: `203.0.113.7`, `203.0.113.7:52100`,
/// `2001:db8::1`, `[2001:db8::1]:443` or `[2001:db8::1]`. Returns the bare
/// address text and its parsed value; `None` for anything else (a Unix
/// socket path, say).
pub fn parse_addr(text: &str) -> Option<(&str, IpAddr)> {
    let text = text.trim();
    let bare = if let Some(rest) = text.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        if !(after.is_empty() || after.strip_prefix(':').is_some_and(is_port)) {
            return None;
        }
        inside
    } else if text.matches(':').count() == 1 {
        let (host, port) = text.split_once(':')?;
        if !is_port(port) {
            return None;
        }
        host
    } else {
        text
    };
    IpAddr::parse(bare).map(|ip| (bare, ip))
}

fn is_port(text: &str) -> bool {
    !text.is_empty() && text.len() <= 5 && text.bytes().all(|b| b.is_ascii_digit())
}

/// The proxies whose forwarded headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies {
    pub ranges: Vec<Cidr>,
}

impl TrustedProxies {
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.ranges.iter().any(|range| range.contains(ip))
    }

    /// The client address: the peer itself unless the peer is a trusted
    /// proxy; then the forwarded-for list (all values of the header, in
    /// order) read from the right, skipping trusted proxies: the first
    /// address that is not one is the client. When every hop is trusted the
    /// leftmost is the client. Only the hops a trusted proxy vouches for are
    /// read, so a client cannot choose its address by sending the header.
    pub fn client<'a>(
        &self,
        peer: Option<&'a str>,
        forwarded: impl Iterator<Item = &'a [u8]> + Clone,
    ) -> Result<Option<&'a str>, Refusal> {
        let Some((peer_text, peer_ip)) = peer.and_then(parse_addr) else {
            return Ok(None);
        };
        if !self.contains(peer_ip) {
            return Ok(Some(peer_text));
        }
        let mut client = peer_text;
        let values: Vec<&str> = forwarded
            .map(|value| core::str::from_utf8(value).map_err(|_| Refusal::BadForwardedFor))
            .collect::<Result<_, _>>()?;
        for hop in values.iter().rev().flat_map(|value| value.rsplit(',')) {
            let hop = hop.trim();
            if hop.is_empty() {
                continue;
            }
            let (text, ip) = parse_addr(hop).ok_or(Refusal::BadForwardedFor)?;
            client = text;
            if !self.contains(ip) {
                break;
            }
        }
        Ok(Some(client))
    }
}
