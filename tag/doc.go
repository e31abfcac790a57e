// Package tag holds the value type of Tencent IM profile and relationship
// tags.
//
// The IM REST API returns friend and profile data as Tag/Value pairs whose
// Value is, depending on the tag, a JSON string (Tag_Profile_IM_Nick,
// Tag_SNS_IM_Remark, most custom tags), an integer (Tag_SNS_IM_AddTime,
// Tag_Profile_IM_Level, integer custom tags) or an array of strings
// (Tag_SNS_IM_Group). A decoder that assumes one type fails on real answers.
// [Value] holds exactly one of the three and decodes and encodes each
// faithfully; anything else (an object, a boolean, a fraction, an array
// with a non-string element) is refused with an error.
//
// The OpenAPI documents in openapi/ map their tag-value schemas onto this
// type through x-go-type, so the generated client in gen/ uses it directly.
//
// # Constructing and reading
//
//	v := tag.String("remark")     // or tag.Int(1420000001), tag.Strings("work", "family")
//	if s, ok := v.AsString(); ok { ... }
//	if n, ok := v.AsInt(); ok { ... }
//	if l, ok := v.AsStrings(); ok { ... }
//	switch v.Kind() { case tag.KindString: ... }
package tag
