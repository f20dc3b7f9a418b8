import { defineMessages } from "../define";

export const fund = defineMessages({
  ko: {
    indexTitle: "자활기금",
    indexIntro: "광역자활센터가 운영하는 자활기금입니다. 자활기업에 저금리 융자와 사업 지원금을 제공합니다.",
    host: "운영",
    balance: "기금 잔액",
    products: "융자 상품",
    cap: "한도",
    rate: "금리 (연)",
    term: "기간",
    months: (n: number) => `${n}개월`,
    method: "상환 방식",
    methods: { bullet: "만기 일시상환 (매월 이자)", equal_instalment: "원리금균등분할", equal_principal: "원금균등분할" },
    eligible: "대상",
    uses: "기금 용도",
  },
  en: {
    indexTitle: "Self-sufficiency fund",
    indexIntro: "Self-sufficiency funds run by regional self-sufficiency centres: low-interest loans and grants for self-sufficiency enterprises.",
    host: "Run by",
    balance: "Fund balance",
    products: "Loan products",
    cap: "Cap",
    rate: "Rate (a year)",
    term: "Term",
    months: (n: number) => `${n} months`,
    method: "Repayment",
    methods: { bullet: "Bullet (monthly interest)", equal_instalment: "Equal instalments", equal_principal: "Equal principal" },
    eligible: "For",
    uses: "Uses",
  },
});
