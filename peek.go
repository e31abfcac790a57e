package timrest

import "bytes"

// peekErrorCode finds the top-level "ErrorCode" member of a JSON object
// without decoding the rest, so that the retry loop can classify an answer
// before the caller decodes it once. It returns false when body is not a
// JSON object with an integer ErrorCode (the caller's decoding then
// reports the problem). Keys are matched case-insensitively, as
// encoding/json matches them to struct fields; the first match wins.
func peekErrorCode(b []byte) (int64, bool) {
	i := skipSpace(b, 0)
	if i >= len(b) || b[i] != '{' {
		return 0, false
	}
	i++
	for {
		i = skipSpace(b, i)
		if i >= len(b) {
			return 0, false
		}
		switch b[i] {
		case '}':
			return 0, false
		case ',':
			i++
			continue
		case '"':
		default:
			return 0, false
		}
		start := i + 1
		end := skipString(b, i)
		if end < 0 {
			return 0, false
		}
		key := b[start : end-1]
		i = skipSpace(b, end)
		if i >= len(b) || b[i] != ':' {
			return 0, false
		}
		i = skipSpace(b, i+1)
		if bytes.EqualFold(key, []byte("ErrorCode")) {
			return parseInt(b[i:])
		}
		i = skipValue(b, i)
		if i < 0 {
			return 0, false
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// skipString returns the index after the string that starts at b[i] (a
// quote), or -1 if it does not end.
func skipString(b []byte, i int) int {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return -1
}

// skipValue returns the index after the value that starts at b[i], or -1.
// It does not validate the value; it only finds where it ends.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				j = skipString(b, j)
				if j < 0 {
					return -1
				}
				j--
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	default:
		j := i
		for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' &&
			b[j] != ' ' && b[j] != '\t' && b[j] != '\n' && b[j] != '\r' {
			j++
		}
		if j == i {
			return -1
		}
		return j
	}
}

// parseInt parses the JSON integer at the start of b (no fraction or
// exponent), as an int64.
func parseInt(b []byte) (int64, bool) {
	i, neg := 0, false
	if i < len(b) && b[i] == '-' {
		neg, i = true, 1
	}
	start := i
	var n int64
	for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
		if n > (1<<63-1-9)/10 {
			return 0, false
		}
		n = n*10 + int64(b[i]-'0')
	}
	if i == start {
		return 0, false
	}
	if i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E') {
		return 0, false
	}
	if neg {
		n = -n
	}
	return n, true
}
