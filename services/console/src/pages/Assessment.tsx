import { DownloadOutlined, PrinterOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Input, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { useParams } from 'react-router';
import { fetchFile } from '../api';
import { useAreaName } from '../areas';
import { useGraphqlMutation, useGraphqlQuery, useSignedIn } from '../auth';
import { ErrorView } from '../ErrorView';
import {
  AssessmentDocument,
  type AssessmentQuery,
  AssessmentVerificationDocument,
  DrawSampleDocument,
} from '../generated';
import { useWords } from '../i18n';
import { usePurpose } from '../Purpose';
import { CAN } from '../session';
import { FindingForm, type FindingTarget } from './AssessmentFinding';
import { Rectifications, ResultsView } from './AssessmentResults';

type Assessment = NonNullable<AssessmentQuery['thirdPartyAssessment']>;
type Sampled = NonNullable<Assessment['sample']>['households'][number];
type FindingRow = Assessment['findings'][number];

/** Fetches a file from the API with the session's token (a link cannot carry it). */
/** One assessment: its frame, the draw, the households to survey, the findings, the results. */
export function AssessmentPage() {
  const { id = '' } = useParams();
  const words = useWords();
  const session = useSignedIn();
  const areaName = useAreaName();
  const query = useGraphqlQuery(AssessmentDocument, { id });
  const [target, setTarget] = useState<FindingTarget>();
  const [fileError, setFileError] = useState<string>();
  const askPurpose = usePurpose();
  if (query.error) return <ErrorView error={query.error} retry={() => query.refetch()} />;
  const a = query.data?.thirdPartyAssessment;
  if (!a)
    return query.isLoading ? null : (
      <Alert type="warning" showIcon title={words.refusal({ code: 'NO_SUCH_ASSESSMENT' })} />
    );
  const writes = CAN.assess(session.claims.role);
  // Files are pinned to the answer on screen: the asOf echoed back.
  const path = (extra: string) => `/export/assessment/${a.assessmentId}?asOf=${encodeURIComponent(a.asOf)}${extra}`;
  const download = async (extra: string, name: string) => {
    setFileError(undefined);
    try {
      const url = URL.createObjectURL(await fetchFile(session, path(extra)));
      const link = document.createElement('a');
      link.href = url;
      link.download = name;
      link.click();
      URL.revokeObjectURL(url);
    } catch (error) {
      setFileError(error instanceof Error ? error.message : String(error));
    }
  };
  const print = async () => {
    setFileError(undefined);
    try {
      const html = await fetchFile(session, path(`&lang=${words.language}`));
      window.open(URL.createObjectURL(html), '_blank');
    } catch (error) {
      setFileError(error instanceof Error ? error.message : String(error));
    }
  };
  const s = a.sample;
  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }} data-testid="assessment">
      <Card
        size="small"
        title={a.title}
        extra={
          <Space wrap>
            <Button icon={<PrinterOutlined />} onClick={print} data-testid="assessment-print">
              {words.t('printReport')}
            </Button>
            <Button
              icon={<DownloadOutlined />}
              onClick={() => download('&format=csv&part=rates', `assessment-${a.areaCode}-${a.year}-rates.csv`)}
              data-testid="assessment-csv"
            >
              {words.t('exportRates')}
            </Button>
            <Button
              icon={<DownloadOutlined />}
              onClick={async () => {
                // The findings' names and ID numbers: a bulk read, its purpose stated and recorded.
                const purpose = await askPurpose();
                if (purpose === undefined) return;
                await download(
                  `&format=csv&part=findings&purpose=${encodeURIComponent(purpose)}`,
                  `assessment-${a.areaCode}-${a.year}-findings.csv`,
                );
              }}
              data-testid="assessment-findings-csv"
            >
              {words.t('exportFindings')}
            </Button>
          </Space>
        }
      >
        {fileError && <Alert type="error" showIcon title={fileError} style={{ marginBottom: 12 }} />}
        <Descriptions size="small" column={{ xs: 1, md: 2, xl: 3 }}>
          <Descriptions.Item label={words.t('area')}>{areaName(a.areaCode)}</Descriptions.Item>
          <Descriptions.Item label={words.t('assessmentYear')}>{a.year}</Descriptions.Item>
          <Descriptions.Item label={words.t('cutoff')}>{words.date(a.cutoff)}</Descriptions.Item>
          <Descriptions.Item label={words.t('knownAt')}>{words.dateTime(a.knownAt)}</Descriptions.Item>
          <Descriptions.Item label={words.t('commitment')}>
            <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>
              {a.seedCommitment}
            </Typography.Text>
          </Descriptions.Item>
          {s && (
            <>
              <Descriptions.Item label={words.t('seed')}>
                <Typography.Text code data-testid="assessment-revealed-seed">
                  {s.seed}
                </Typography.Text>
              </Descriptions.Item>
              <Descriptions.Item label={words.t('drawnAt')}>{words.dateTime(s.drawnAt)}</Descriptions.Item>
              <Descriptions.Item label={words.t('sampleVillages')}>
                {s.villages.map((v) => (
                  <Tag key={v.villageCode} color={v.stratum === 'poor' ? 'gold' : 'blue'}>
                    {areaName(v.villageCode)}
                  </Tag>
                ))}
              </Descriptions.Item>
            </>
          )}
        </Descriptions>
        {s && <Verification assessmentId={a.assessmentId} />}
      </Card>
      {!s && <DrawCard assessment={a} writes={writes} />}
      {s && (
        <Tabs
          items={[
            {
              key: 'sample',
              label: `${words.t('sampleHouseholds')} (${a.results.surveyed}/${a.results.sampled})`,
              children: (
                <Table<Sampled>
                  rowKey="householdId"
                  size="small"
                  data-testid="assessment-sample"
                  dataSource={s.households}
                  pagination={{ pageSize: 50 }}
                  columns={[
                    { title: words.t('cardNumber'), render: (_, h) => h.cardNumber ?? '—' },
                    { title: words.t('head'), render: (_, h) => h.headName ?? '—' },
                    { title: words.t('village'), render: (_, h) => areaName(h.villageCode) },
                    { title: words.t('status'), render: (_, h) => words.label('Stratum', h.stratum) },
                    { title: words.t('people'), dataIndex: 'people' },
                    {
                      title: words.t('verdict'),
                      render: (_, h) => {
                        const f = a.findings.find((x) => x.householdId === h.householdId);
                        return f ? (
                          <Tag color="blue">{words.label('Verdict', f.verdict)}</Tag>
                        ) : (
                          <Tag>{words.t('notSurveyed')}</Tag>
                        );
                      },
                    },
                    ...(writes
                      ? [
                          {
                            title: '',
                            render: (_: unknown, h: Sampled) => (
                              <Button
                                size="small"
                                data-testid="finding-open"
                                onClick={() =>
                                  setTarget({
                                    kind: 'sampled',
                                    householdId: h.householdId,
                                    stratum: h.stratum === 'exited' ? 'exited' : 'registered',
                                    title: `${h.cardNumber ?? ''} ${h.headName ?? ''}`,
                                    surveyed: h.surveyed,
                                  })
                                }
                              >
                                {words.t('recordFinding')}
                              </Button>
                            ),
                          },
                        ]
                      : []),
                  ]}
                />
              ),
            },
            {
              key: 'outside',
              label: words.t('outsideHouseholds'),
              children: (
                <Space orientation="vertical" style={{ width: '100%' }}>
                  {writes && (
                    <Button
                      data-testid="outside-open"
                      onClick={() => setTarget({ kind: 'outside', villages: s.villages.map((v) => v.villageCode) })}
                    >
                      {words.t('recordFinding')}
                    </Button>
                  )}
                  <Table<FindingRow>
                    rowKey="findingId"
                    size="small"
                    data-testid="assessment-outside"
                    dataSource={a.findings.filter((f) => f.stratum === 'outside')}
                    columns={[
                      { title: words.t('village'), render: (_, f) => areaName(f.villageCode) },
                      { title: words.t('outsideLabel'), render: (_, f) => f.label },
                      { title: words.t('head'), render: (_, f) => f.headName ?? '—' },
                      { title: words.t('nationalId'), render: (_, f) => f.headNationalId ?? '—' },
                      { title: words.t('people'), dataIndex: 'people' },
                      { title: words.t('verdict'), render: (_, f) => words.label('Verdict', f.verdict) },
                    ]}
                  />
                </Space>
              ),
            },
            { key: 'results', label: words.t('results'), children: <ResultsView assessment={a} /> },
            {
              key: 'rectifications',
              label: words.t('rectifications'),
              children: <Rectifications assessmentId={a.assessmentId} />,
            },
          ]}
        />
      )}
      {target && (
        <FindingForm
          assessmentId={a.assessmentId}
          target={target}
          onDone={() => {
            setTarget(undefined);
            query.refetch();
          }}
        />
      )}
    </Space>
  );
}

/** The draw: the assessor reveals the seed committed at opening (kept by this browser if it opened the assessment). */
function DrawCard({ assessment, writes }: { assessment: Assessment; writes: boolean }) {
  const words = useWords();
  const draw = useGraphqlMutation(DrawSampleDocument);
  const [seed, setSeed] = useState(() => sessionStorage.getItem(`registry.seed.${assessment.assessmentId}`) ?? '');
  const [refusal, setRefusal] = useState<string>();
  const submit = async () => {
    setRefusal(undefined);
    try {
      const answer = await draw.mutateAsync({
        commandId: crypto.randomUUID(),
        input: { assessmentId: assessment.assessmentId, seed: seed.trim() },
      });
      const outcome = answer.drawSample;
      if (outcome.__typename !== 'AssessmentSuccess') setRefusal(outcome.localizedMessage);
    } catch (error) {
      setRefusal(words.refusal({ code: (error as { code?: string }).code ?? 'INTERNAL', detail: String(error) }));
    }
  };
  return (
    <Card size="small" title={words.t('notDrawn')} data-testid="assessment-draw">
      <Typography.Paragraph type="secondary">{words.t('seedHelp')}</Typography.Paragraph>
      {writes && (
        <Space.Compact style={{ width: '100%' }}>
          <Input
            value={seed}
            onChange={(e) => setSeed(e.target.value)}
            placeholder={words.t('seed')}
            data-testid="draw-seed"
            style={{ fontFamily: 'monospace' }}
          />
          <Button
            type="primary"
            onClick={submit}
            loading={draw.isPending}
            disabled={!seed.trim()}
            data-testid="draw-submit"
          >
            {words.t('drawSample')}
          </Button>
        </Space.Compact>
      )}
      {refusal && <Alert type="error" showIcon title={refusal} data-testid="draw-refusal" style={{ marginTop: 12 }} />}
    </Card>
  );
}

/** Redoes the draw from the registry now and says whether it matches what was recorded. */
function Verification({ assessmentId }: { assessmentId: string }) {
  const words = useWords();
  const [asked, setAsked] = useState(false);
  const check = useGraphqlQuery(AssessmentVerificationDocument, { id: assessmentId }, { enabled: asked });
  const v = check.data?.thirdPartyAssessment?.verification;
  return (
    <Space style={{ marginTop: 8 }}>
      <Button
        icon={<SafetyCertificateOutlined />}
        onClick={() => setAsked(true)}
        loading={check.isFetching}
        data-testid="assessment-verify"
      >
        {words.t('verifySample')}
      </Button>
      {v && (
        <Tag color={v.matches && v.frameMatches ? 'green' : 'red'} data-testid="assessment-verified">
          {words.t(v.matches && v.frameMatches ? 'verified' : 'notVerified')}
        </Tag>
      )}
    </Space>
  );
}
