"""Stop words for the lexical side (BM25 and match explanations), in segmented form.

Two groups. Function words carry no topic. Plan boilerplate is what every plan says
around its tasks. Measured on the corpus (lines of >= 6 words, segmented, 953 lines):
"thực_hiện" is in 20% of lines (19-28% per commune plan), "triển_khai" in 21% (23-29%),
"phối_hợp" in 16-22% of commune-plan lines but 1% of NQ 03's; such words only ever
explain a match by "both texts say carry out", so they go. Content words that are merely
frequent in this corpus ("số" as in chuyển_đổi số, "công_nghệ", "tổ_chức", which is also
a noun) stay: BM25's idf already weighs them down.
The embedding side never uses this list.
"""
from __future__ import annotations

FUNCTION_WORDS = frozenset("""
và hoặc hay với của các những mọi từng cho để nhằm theo tại trong ngoài trên dưới về từ
đến tới vào ra lên xuống qua bằng do bởi vì nên mà thì là có không được bị đã đang sẽ vẫn
cũng còn rất nhất hơn đều chỉ này đó kia ấy nào gì khi nếu như sau trước cùng giữa một
trong_đó theo_đó đồng_thời đối_với thông_qua bao_gồm sau_đó hiện_nay việc sự nhau lại thêm
ngày_càng càng cần phải nhiều tất_cả nhất_là đặc_biệt_là như_sau sau_đây cụ_thể ở ai đây
vv v.v trong_năm nay
""".split())

PLAN_BOILERPLATE = frozenset("""
thực_hiện triển_khai tiếp_tục tăng_cường đẩy_mạnh bảo_đảm đảm_bảo chủ_trì phối_hợp
liên_quan nhiệm_vụ kế_hoạch nội_dung hoàn_thành thường_xuyên xã địa_bàn năm ngày tháng
giai_đoạn
""".split())

STOPWORDS: frozenset[str] = FUNCTION_WORDS | PLAN_BOILERPLATE
