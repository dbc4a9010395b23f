"""资格自评 / 资格预审: the eligibility rules for 公租房 and 廉租房 (租金补贴)."""
